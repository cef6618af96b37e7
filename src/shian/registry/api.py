"""Registry API: businesses (scoped like the pages) and the 业态 list."""

from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied

from shian.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet, VersionedSerializer
from shian.registry import services
from shian.registry.filtersets import BusinessFilterSet
from shian.registry.models import Business, SiteCategory


class SiteCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = SiteCategory
        fields = ["id", "code", "name", "group", "aliases", "sort_order", "is_active"]


class BusinessSerializer(VersionedSerializer):
    class Meta:
        model = Business
        fields = [
            "id",
            "name",
            "credit_code",
            "licence_no",
            "category",
            "region",
            "address",
            "longitude",
            "latitude",
            "status",
            "risk_grade",
            "baobao_level",
            "legal_person",
            "phone",
            "safety_director",
            "safety_officer",
            "licence_valid_until",
            "bright_kitchen",
            "sunshine_food",
            "liability_insurance",
            "supervising_unit",
            "version",
        ]

    def create(self, validated_data):
        d = dict(validated_data)
        d.pop("version", None)
        return services.create_business(actor=self.context["request"].user, **d)

    def update(self, instance, validated_data):
        d = dict(validated_data)
        expected = d.pop("version", None)
        if expected is None:
            raise serializers.ValidationError({"version": "修改时必须提供读取时的版本号 version"})
        return services.update_business(
            instance, actor=self.context["request"].user, expected_version=expected, **d
        )


class BusinessViewSet(ScopedModelViewSet):
    serializer_class = BusinessSerializer
    base_queryset = Business.objects.select_related("category", "region")
    filterset_class = BusinessFilterSet

    def check_create_allowed(self, serializer):
        user = self.request.user
        if not (user.is_office or (user.unit_id and user.unit.kind == "township")):
            raise PermissionDenied("只有创建办或乡镇（街道）可以新增主体")

    def perform_destroy(self, instance):
        raise PermissionDenied("主体不能删除，请将经营状态改为“注销”")


class SiteCategoryViewSet(ScopedReadOnlyViewSet):
    serializer_class = SiteCategorySerializer
    base_queryset = SiteCategory.objects.all()


def register(router):
    router.register("businesses", BusinessViewSet, basename="business")
    router.register("site-categories", SiteCategoryViewSet, basename="site-category")
