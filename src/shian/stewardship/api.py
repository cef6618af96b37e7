"""包保 API: cadres and bindings, 主体责任 (日管控/周排查/月调度 records, 风险管控清单, 总监/安全员), scoped
like the pages, writes through the services; visits, commitments and the figures are in `fieldapi.py`."""

import datetime

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from shian.core.api import MAX_ID, ScopedModelViewSet, ScopedReadOnlyViewSet, VersionedSerializer
from shian.core.audit import log_event
from shian.registry.models import Business
from shian.stewardship import docs, duty, enterprise, services
from shian.stewardship.choices import DutyKind
from shian.stewardship.fieldapi import (
    DOCUMENT_RENDERERS,
    CadreLinkSerializer,
    ChecksSerializer,
    CommitmentViewSet,
    DueSerializer,
    ImportResultSerializer,
    StewardVisitViewSet,
    SummaryViewSet,
    own_or_scoped_cadre,
)
from shian.stewardship.filtersets import BindingFilterSet, CadreFilterSet
from shian.stewardship.http import document_response, request_year
from shian.stewardship.models import Binding, BusinessAccount, Cadre, DutyRecord, LevelRule, RiskControl


class LevelRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = LevelRule
        fields = ["id", "cadre_level", "business_level", "visits_per_year", "max_load", "note"]


class CadreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cadre
        fields = ["id", "name", "post", "level", "region", "unit", "phone", "user", "is_active"]

    def create(self, validated_data):
        return services.create_cadre(actor=self.context["request"].user, **validated_data)


class BindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Binding
        fields = ["id", "cadre", "business", "suggested", "is_active"]
        read_only_fields = ["suggested", "is_active"]

    def create(self, validated_data):
        return services.bind(
            validated_data["cadre"], validated_data["business"], actor=self.context["request"].user
        )


class CadreViewSet(ScopedModelViewSet):
    serializer_class = CadreSerializer
    base_queryset = Cadre.objects.select_related("region")
    filterset_class = CadreFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def check_create_allowed(self, serializer):
        if self.request.user.is_read_only:
            raise PermissionDenied("只读账号不能新增包保干部")

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer("CadreImportInput", {"file": serializers.FileField()})
        },
        responses={200: ImportResultSerializer, 400: ImportResultSerializer},
    )
    @action(detail=False, methods=["post"], url_path="import")
    def import_file(self, request):
        """导入包保干部 (xlsx/xls/csv): every row right or nothing imported; errors name sheet, row and column."""
        from shian.core.uploads import check_upload
        from shian.stewardship.importer import ImportResult, import_cadres

        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DjangoValidationError("请选择要导入的文件")
            name = check_upload(upload, "import")
        except DjangoValidationError as exc:  # answered in the result's shape, as a file with bad rows
            return Response(ImportResultSerializer(ImportResult(errors=exc.messages)).data, status=400)
        result = import_cadres(upload, actor=request.user, filename=name)
        return Response(ImportResultSerializer(result).data, status=200 if result.ok else 400)

    @extend_schema(request=None, responses=CadreLinkSerializer)
    @action(detail=True, methods=["post"])
    def link(self, request, pk=None):
        """督导链接 of a cadre without a login: the signed phone address and the message to send."""
        cadre = self.get_object()
        url = request.build_absolute_uri(
            reverse("stewardship_public:round", args=[services.cadre_link_token(cadre)])
        )
        log_event(cadre, "cadre_link_issued", note=f"生成督导链接（{services.LINK_DAYS}天有效）")
        return Response(
            {"url": url, "days": services.LINK_DAYS, "message": services.link_message(cadre, url)}
        )

    @extend_schema(responses=DueSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def due(self, request, pk=None):
        """The cadre's businesses by what is due, overdue first (the phone round)."""
        return Response(DueSerializer(services.due_rows(own_or_scoped_cadre(self, pk)), many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="年度，默认今年"),
            OpenApiParameter("format", str, enum=["docx", "pdf"], description="默认 docx"),
        ],
        responses={(200, "application/octet-stream"): bytes},
    )
    @action(detail=True, methods=["get"], url_path="lists", renderer_classes=DOCUMENT_RENDERERS)
    def lists(self, request, pk=None):
        """三张清单一承诺书 of the cadre's year, to print and sign (GB/T 9704; audited as an export)."""
        cadre = own_or_scoped_cadre(self, pk)
        year = request_year(request)
        return document_response(
            request, docs.commitment_docx(cadre, year), f"{cadre.name}{year}年三张清单一承诺书"
        )


class BindingViewSet(ScopedModelViewSet):
    serializer_class = BindingSerializer
    base_queryset = Binding.objects.filter(is_active=True).select_related("cadre", "business")
    filterset_class = BindingFilterSet
    http_method_names = ["get", "post", "delete", "head", "options"]

    def check_create_allowed(self, serializer):
        if self.request.user.is_read_only:
            raise PermissionDenied("只读账号不能新增包保关系")

    def perform_destroy(self, instance):
        services.unbind(instance, actor=self.request.user)

    @extend_schema(responses=ChecksSerializer)
    @action(detail=False, methods=["get"], pagination_class=None)
    def checks(self, request):
        """层级对应 checks in scope: businesses without a cadre, cadres over their load, rule breaks."""
        rule_map = services.rules()
        over = services.cadres_over_load(Cadre.objects.restrict(request.user))
        for cadre in over:
            cadre.max_load = rule_map[cadre.level].max_load
        breaking = services.bindings_breaking_rule(Binding.objects.restrict(request.user))
        for binding in breaking:
            binding.problem = services.binding_problem(binding.cadre, binding.business, rule_map)
        unbound = (
            Business.objects.restrict(request.user).operating().exclude(bindings__is_active=True).count()
        )
        return Response(ChecksSerializer({"unbound": unbound, "over_load": over, "breaking": breaking}).data)

    @extend_schema(
        request=None, responses={201: inline_serializer("Suggested", {"created": serializers.IntegerField()})}
    )
    @action(detail=False, methods=["post"])
    def suggest(self, request):
        """按层级对应规则建议并建立包保关系 for the operating businesses in scope without a cadre."""
        created = services.apply_suggestions(
            Business.objects.restrict(request.user, "view").operating(),
            Cadre.objects.restrict(request.user, "change"),
            actor=request.user,
        )
        return Response({"created": created}, status=201)


class LevelRuleViewSet(ScopedReadOnlyViewSet):
    serializer_class = LevelRuleSerializer
    base_queryset = LevelRule.objects.all()


class DutyRecordSerializer(serializers.ModelSerializer):
    business = serializers.PrimaryKeyRelatedField(queryset=Business.objects.all())
    period = serializers.DateField(help_text="当日；周排查/月调度填该周/该月任一天，保存为周一/1日")
    kind = serializers.ChoiceField(choices=DutyKind.choices)

    class Meta:
        model = DutyRecord
        fields = ["id", "business", "kind", "period", "done_by", "checked", "problems", "measures", "visit"]
        read_only_fields = ["visit"]

    def validate_business(self, value):
        # Only businesses the caller may see; the service then checks it may write for it.
        user = self.context["request"].user
        if not Business.objects.filter(pk=value.pk).restrict(user).exists():
            raise serializers.ValidationError("主体不存在")
        return value

    def create(self, validated_data):
        data = dict(validated_data)
        try:
            return duty.record_duty(
                data.pop("business"),
                data.pop("kind"),
                data.pop("period"),
                actor=self.context["request"].user,
                **data,
            )
        except DjangoPermissionDenied as exc:
            raise NotFound() from exc


class DutyRecordViewSet(ScopedModelViewSet):
    """日管控/周排查/月调度 records; a 企业账号 sees and enters only its own business's."""

    open_to_business = True

    serializer_class = DutyRecordSerializer
    base_queryset = DutyRecord.objects.select_related("business")
    http_method_names = ["get", "post", "head", "options"]

    def check_create_allowed(self, serializer):
        if self.request.user.is_read_only:
            raise PermissionDenied("只读账号不能填报")

    def perform_create(self, serializer):
        self.check_create_allowed(serializer)
        serializer.save()  # record_duty checks the writer and the business


class RiskControlSerializer(VersionedSerializer):
    business = serializers.PrimaryKeyRelatedField(queryset=Business.objects.all())

    class Meta:
        model = RiskControl
        fields = ["id", "business", "risk", "measures", "frequency", "person", "version"]

    def validate_business(self, value):
        user = self.context["request"].user
        if not Business.objects.filter(pk=value.pk).restrict(user).exists():
            raise serializers.ValidationError("主体不存在")
        if self.instance is not None and value.pk != self.instance.business_id:
            raise serializers.ValidationError("不能把风险点移到另一个主体")
        return value

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, actor=self.context["request"].user, **kwargs)
        except DjangoPermissionDenied as exc:
            raise NotFound() from exc

    def create(self, validated_data):
        data = {k: v for k, v in validated_data.items() if k != "version"}
        return self._call(enterprise.add_risk_control, data.pop("business"), **data)

    def update(self, instance, validated_data):
        expected = validated_data.pop("version", None)
        if expected is None:
            raise serializers.ValidationError({"version": "修改时必须提供读取时的版本号 version"})
        validated_data.pop("business", None)
        values = {
            k: validated_data.get(k, getattr(instance, k))
            for k in ("risk", "measures", "frequency", "person")
        }
        return self._call(enterprise.change_risk_control, instance, expected_version=expected, **values)


class RiskControlViewSet(ScopedModelViewSet):
    """风险管控清单 lines of the businesses in scope; the business's account keeps its own."""

    open_to_business = True

    serializer_class = RiskControlSerializer
    base_queryset = RiskControl.objects.select_related("business")

    def check_create_allowed(self, serializer):
        if self.request.user.is_read_only:
            raise PermissionDenied("只读账号不能修改风险管控清单")

    def perform_create(self, serializer):
        self.check_create_allowed(serializer)
        serializer.save()

    def perform_update(self, serializer):
        serializer.save()

    def perform_destroy(self, instance):
        try:
            enterprise.remove_risk_control(instance, actor=self.request.user)
        except DjangoPermissionDenied as exc:
            raise NotFound() from exc


class EnterpriseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Business
        fields = ["id", "name", "credit_code", "licence_no", "safety_director", "safety_officer", "version"]
        read_only_fields = fields


class StaffInput(serializers.Serializer):
    safety_director = serializers.CharField(max_length=40, allow_blank=True)
    safety_officer = serializers.CharField(max_length=40, allow_blank=True, required=False, default="")
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="读取时的版本号")


class KindCompletionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DutyKind.choices)
    label = serializers.CharField()
    done = serializers.IntegerField()
    required = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class CompletionSerializer(serializers.Serializer):
    month = serializers.DateField()
    kinds = KindCompletionSerializer(many=True)


class EnterpriseViewSet(ScopedReadOnlyViewSet):
    """The businesses whose 主体责任 the caller follows (a 企业账号: its own); `staff` sets the 总监/安全员."""

    open_to_business = True

    serializer_class = EnterpriseSerializer
    base_queryset = Business.objects.all()

    def get_queryset(self):
        # The staff action changes through the service (which checks the writer), so it reads the
        # caller's visible rows rather than the registry's change scope.
        return self.base_queryset.restrict(self.request.user, "view")

    @extend_schema(request=StaffInput, responses=EnterpriseSerializer)
    @action(detail=True, methods=["patch"])
    def staff(self, request, pk=None):
        business = self.get_object()
        data = StaffInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            enterprise.set_safety_staff(
                business,
                actor=request.user,
                director=data.validated_data["safety_director"],
                officer=data.validated_data.get("safety_officer", ""),
                expected_version=data.validated_data["version"],
            )
        except DjangoPermissionDenied as exc:
            raise NotFound() from exc
        return Response(EnterpriseSerializer(business).data)

    @extend_schema(responses=CompletionSerializer)
    @action(detail=True, methods=["get"], pagination_class=None)
    def completion(self, request, pk=None):
        """This month's 日管控/周排查/月调度 done of required."""
        from shian.stewardship.enterprise_views import month_completion

        business = self.get_object()
        today = timezone.localdate()
        rows = month_completion(business, today)
        return Response({"month": datetime.date(today.year, today.month, 1), "kinds": rows})


class BusinessAccountSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.CharField(source="user.display_name", read_only=True)
    phone = serializers.CharField(source="user.phone", read_only=True)
    last_login = serializers.DateTimeField(source="user.last_login", read_only=True, allow_null=True)
    must_change_password = serializers.BooleanField(source="user.must_change_password", read_only=True)
    active = serializers.SerializerMethodField(help_text="账号和登录均启用")
    user_version = serializers.IntegerField(
        source="user.version", read_only=True, help_text="登录账号的版本号（重置密码时提交）"
    )

    class Meta:
        model = BusinessAccount
        fields = [
            "id",
            "business",
            "username",
            "name",
            "phone",
            "last_login",
            "must_change_password",
            "active",
            "user_version",
            "created_at",
        ]
        read_only_fields = fields

    def get_active(self, obj) -> bool:
        return obj.is_active and obj.user.is_active


class BusinessAccountOpenInput(serializers.Serializer):
    business = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="市场主体")
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, write_only=True, help_text="初始密码；须符合密码策略")
    name = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class BusinessAccountPasswordInput(serializers.Serializer):
    password = serializers.CharField(
        max_length=128, write_only=True, help_text="新的初始密码；须符合密码策略"
    )
    version = serializers.IntegerField(
        min_value=0, max_value=MAX_ID, help_text="登录账号的版本号 user_version"
    )


class BusinessAccountViewSet(ScopedReadOnlyViewSet):
    """企业账号 of the businesses in scope: opened, stopped, switched back on and given a new initial
    password by the office over the business or its township (stewardship.enterprise decides)."""

    base_queryset = BusinessAccount.objects.select_related("user", "business__region")
    serializer_class = BusinessAccountSerializer
    filterset_fields = ["business"]

    def get_queryset(self):
        # The actions change through the services (who may open an account: the office or the
        # township, stewardship.enterprise.may_open_account), so they read the caller's visible rows.
        return self.base_queryset.all().restrict(self.request.user, "view")

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except DjangoPermissionDenied as exc:
            raise NotFound() from exc

    def _fresh(self, account):
        return self.get_serializer(self.base_queryset.get(pk=account.pk)).data

    @extend_schema(request=BusinessAccountOpenInput, responses={201: BusinessAccountSerializer})
    @action(detail=False, methods=["post"], url_path="open")
    def open_account(self, request):
        """开通企业账号（首次登录须修改初始密码）。"""
        body = BusinessAccountOpenInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        business = Business.objects.restrict(request.user).filter(pk=data.pop("business")).first()
        if business is None:
            raise serializers.ValidationError({"business": "市场主体不存在或不在您的管理范围内"})
        account = self._call(enterprise.open_business_account, business, actor=request.user, **data)
        return Response(self._fresh(account), status=201)

    @extend_schema(request=None, responses=BusinessAccountSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """停用企业账号（不能再登录，也看不到本企业数据）。"""
        account = self._call(enterprise.close_business_account, self.get_object(), actor=request.user)
        return Response(self._fresh(account))

    @extend_schema(request=None, responses=BusinessAccountSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """重新启用已停用的企业账号（密码不变）。"""
        account = self._call(enterprise.reopen_business_account, self.get_object(), actor=request.user)
        return Response(self._fresh(account))

    @extend_schema(request=BusinessAccountPasswordInput, responses=BusinessAccountSerializer)
    @action(detail=True, methods=["post"], url_path="reset-password")
    def reset_password(self, request, pk=None):
        """重置企业账号的密码：新的初始密码须符合密码策略，企业登录后须修改；记入审计。"""
        account = self.get_object()
        body = BusinessAccountPasswordInput(data=request.data)
        body.is_valid(raise_exception=True)
        self._call(
            enterprise.reset_business_account_password,
            account,
            actor=request.user,
            password=body.validated_data["password"],
            expected_version=body.validated_data["version"],
        )
        return Response(self._fresh(account))


def register(router):
    router.register("stewardship/cadres", CadreViewSet, basename="cadre")
    router.register("stewardship/bindings", BindingViewSet, basename="binding")
    router.register("stewardship/level-rules", LevelRuleViewSet, basename="level-rule")
    router.register("stewardship/duty-records", DutyRecordViewSet, basename="duty-record")
    router.register("stewardship/risk-controls", RiskControlViewSet, basename="risk-control")
    router.register("stewardship/enterprises", EnterpriseViewSet, basename="enterprise")
    router.register("stewardship/business-accounts", BusinessAccountViewSet, basename="business-account")
    router.register("stewardship/visits", StewardVisitViewSet, basename="steward-visit")
    router.register("stewardship/commitments", CommitmentViewSet, basename="steward-commitment")
    router.register("stewardship/summary", SummaryViewSet, basename="steward-summary")
