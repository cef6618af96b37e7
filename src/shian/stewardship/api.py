"""包保 API: cadres and bindings, scoped like the pages, writes through the services."""

from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied

from shian.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet
from shian.stewardship import services
from shian.stewardship.filtersets import BindingFilterSet, CadreFilterSet
from shian.stewardship.models import Binding, Cadre, LevelRule


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


class LevelRuleViewSet(ScopedReadOnlyViewSet):
    serializer_class = LevelRuleSerializer
    base_queryset = LevelRule.objects.all()


def register(router):
    router.register("stewardship/cadres", CadreViewSet, basename="cadre")
    router.register("stewardship/bindings", BindingViewSet, basename="binding")
    router.register("stewardship/level-rules", LevelRuleViewSet, basename="level-rule")
