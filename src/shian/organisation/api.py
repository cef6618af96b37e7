from rest_framework import serializers

from shian.core import policy
from shian.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet, VersionedSerializer
from shian.organisation.filtersets import RegionFilterSet, UnitFilterSet
from shian.organisation.models import Region, Unit, User


class RegionSerializer(VersionedSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent", "path", "population", "version"]
        read_only_fields = ["path"]


class UnitSerializer(VersionedSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Unit
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "region",
            "region_name",
            "contact_person",
            "contact_phone",
            "sort_order",
            "is_active",
            "version",
        ]


class UserSerializer(serializers.ModelSerializer):
    """Accounts; who may create or change which role is decided by organisation/accounts.py."""

    password = serializers.CharField(write_only=True, required=False, help_text="新建时必填；须符合密码策略")
    version = serializers.IntegerField(required=False, help_text="读取时的版本号；修改时必须回传")

    class Meta:
        model = User
        fields = ["id", "username", "name", "unit", "role", "phone", "is_active", "password", "version"]

    def _save(self, instance, validated_data):
        from django.core.exceptions import ValidationError as DjangoValidationError

        from shian.organisation.services import save_user

        password = validated_data.pop("password", None)
        expected = validated_data.pop("version", None)
        if instance.pk and expected is None:
            raise serializers.ValidationError({"version": "修改时必须提供读取时的版本号 version"})
        for key, value in validated_data.items():
            setattr(instance, key, value)
        if not instance.pk and not password:
            raise serializers.ValidationError({"password": "新建用户必须设置密码"})
        try:
            return save_user(
                instance, actor=self.context["request"].user, password=password, expected_version=expected
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": exc.messages})

    def create(self, validated_data):
        return self._save(User(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


class RegionViewSet(ScopedReadOnlyViewSet):
    """行政区划（只读；维护请用页面或 `shian import-regions`）。"""

    queryset = Region.objects.select_related("parent")
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet


class UnitViewSet(ScopedModelViewSet):
    """单位：创建办在本辖区内新建、修改。"""

    queryset = Unit.objects.select_related("region")
    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def check_create_allowed(self, serializer):
        from rest_framework.exceptions import PermissionDenied

        user = self.request.user
        if not policy.manages(user, serializer.validated_data["region"]):
            raise PermissionDenied("不能在本辖区以外新建单位")


class UserViewSet(ScopedModelViewSet):
    """用户：系统管理员维护全部账号；创建办只能在本辖区单位新建、修改单位负责人和联络员账号。"""

    queryset = User.objects.select_related("unit")
    serializer_class = UserSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        from rest_framework import permissions

        from shian.organisation.accounts import grantable_roles

        qs = super().get_queryset() if self.request.method in permissions.SAFE_METHODS else User.objects.all()
        user = self.request.user
        if self.request.method not in permissions.SAFE_METHODS and not user.is_admin:
            qs = qs.filter(
                unit__in=Unit.objects.restrict(user, "change"),
                role__in=grantable_roles(user),
                is_superuser=False,
            )
        return qs.select_related("unit")

    def check_create_allowed(self, serializer):
        pass  # save_user checks the role and unit against organisation/accounts.py


def register(router):
    router.register("regions", RegionViewSet)
    router.register("units", UnitViewSet)
    router.register("users", UserViewSet)
