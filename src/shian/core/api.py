"""API building blocks: scoped viewsets, versioned updates, Chinese error bodies."""

import json

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.openapi import AutoSchema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from shian.core import policy
from shian.core.audit import set_actor
from shian.core.services import MAX_ID, ConcurrentEditError, save_versioned  # noqa: F401 (MAX_ID: for serializers)


class PassthroughRenderer(BaseRenderer):
    """Lets `?format=<file kind>` through DRF's content negotiation for an action that returns the file
    itself (xlsx, yaml, docx, pdf); an error's detail still comes as JSON text."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data, ensure_ascii=False).encode() if data is not None else b""


def exception_handler(exc, context):
    if isinstance(exc, ConcurrentEditError):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    from rest_framework.exceptions import ParseError

    if isinstance(exc, ParseError) and "Multipart" in str(exc.detail):
        return Response(
            {
                "detail": "上传内容无法解析：文件名过长（请控制在 120 个字符以内）或含非法字符，"
                "也可能是上传被中断，请检查后重试"
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, DjangoPermissionDenied):
        return Response({"detail": str(exc) or "您没有权限执行此操作"}, status=status.HTTP_403_FORBIDDEN)
    return drf_exception_handler(exc, context)


class ReadOnlyRolesCannotWrite(permissions.BasePermission):
    message = "只读账号不能修改数据"

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or not request.user.is_read_only


def restrict_related_fields(fields, user):
    """Related fields accept only rows `user` may see, so no id can point a record outside the scope."""
    for field in fields.values():
        target = getattr(field, "child_relation", field)
        queryset = getattr(target, "queryset", None)
        if queryset is not None and hasattr(queryset, "restrict") and not field.read_only:
            target.queryset = queryset.restrict(user, "view")
    return fields


class ScopedSerializerMixin:
    """Limits every writable related field to the requesting user's scope."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if (
            request is not None
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
        ):
            restrict_related_fields(fields, request.user)
        return fields


class VersionedSerializer(ScopedSerializerMixin, serializers.ModelSerializer):
    """Exposes `version`; an update must send the version it read, or it is refused with 409."""

    version = serializers.IntegerField(
        required=False, help_text="读取时的版本号；修改时必须回传，防止覆盖他人修改"
    )

    def update(self, instance, validated_data):
        expected = validated_data.pop("version", None)
        if expected is None:
            raise serializers.ValidationError({"version": "修改时必须提供读取时的版本号 version"})
        m2m = {
            k: validated_data.pop(k) for k in list(validated_data) if instance._meta.get_field(k).many_to_many
        }
        for key, value in validated_data.items():
            setattr(instance, key, value)
        instance.full_clean()
        save_versioned(instance, expected)
        for key, value in m2m.items():
            getattr(instance, key).set(value)
        return instance

    def create(self, validated_data):
        validated_data.pop("version", None)
        instance = self.Meta.model(
            **{k: v for k, v in validated_data.items() if not self.Meta.model._meta.get_field(k).many_to_many}
        )
        instance.full_clean()
        instance.save()
        return instance


class ScopedViewSetMixin:
    """Rows come from `Model.objects.restrict(user, action)`; writes need the 'change' scope."""

    permission_classes = [permissions.IsAuthenticated, ReadOnlyRolesCannotWrite]
    base_queryset = None
    # 企业账号 (business accounts) reach only the endpoints that say so (their own business's data); the
    # page middleware cannot see token-authenticated calls, so the API checks here, after DRF knows the user.
    open_to_business = False

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        set_actor(request.user)  # token-authenticated calls are known only after DRF authenticates
        if getattr(request.user, "role", None) == policy.BUSINESS and not self.open_to_business:
            from rest_framework.exceptions import NotFound

            raise NotFound()

    def get_queryset(self):
        action = "view" if self.request.method in permissions.SAFE_METHODS else "change"
        qs = self.base_queryset if self.base_queryset is not None else self.queryset
        return qs.all().restrict(self.request.user, action)

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save()
            policy.ensure_can(self.request.user, serializer.instance, policy.CHANGE)

    def perform_update(self, serializer):
        # Re-check after the change, inside the transaction: a PATCH that moves the object to another
        # county or campaign is rolled back.
        with transaction.atomic():
            serializer.save()
            policy.ensure_can(self.request.user, serializer.instance, policy.CHANGE)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    def check_create_allowed(self, serializer):
        """Subclasses check that the new object lies inside the user's scope."""
        raise PermissionDenied("不能通过接口新建此类数据")

    def perform_create(self, serializer):
        self.check_create_allowed(serializer)
        super().perform_create(serializer)


class SingleObjectSchema(AutoSchema):
    """For a ViewSet whose `list` answers one object (the user's own settings): document it as one."""

    def _is_list_view(self, serializer=None):
        return False
