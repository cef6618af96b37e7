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
        fields = ["id", "name", "short_name", "kind", "region", "region_name", "contact_person", "contact_phone",
                  "sort_order", "is_active", "version"]


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "name", "unit", "role", "phone", "is_active"]


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


class UserViewSet(ScopedReadOnlyViewSet):
    queryset = User.objects.select_related("unit")
    serializer_class = UserSerializer


def register(router):
    router.register("regions", RegionViewSet)
    router.register("units", UnitViewSet)
    router.register("users", UserViewSet)
