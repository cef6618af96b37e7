"""Incidents API: the register (scoped like the pages), its timeline and closure as actions."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from shian.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet, VersionedSerializer
from shian.core.policy import change_path
from shian.core.services import parse_id
from shian.incidents import services
from shian.incidents.choices import EventKind, SiteStatus
from shian.incidents.filtersets import IncidentFilterSet, SpecialCampaignFilterSet, SpecialSiteFilterSet
from shian.incidents.models import Incident, IncidentEvent, SpecialCampaign, SpecialSite


class IncidentEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = IncidentEvent
        fields = ["id", "at", "kind", "note", "recorded_by"]
        read_only_fields = ["id", "at", "recorded_by"]


class IncidentSerializer(VersionedSerializer):
    triggers_veto = serializers.BooleanField(read_only=True)
    veto_reasons = serializers.ListField(child=serializers.CharField(), read_only=True)
    events = IncidentEventSerializer(many=True, read_only=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "region",
            "title",
            "occurred_on",
            "place",
            "level",
            "kind",
            "affected",
            "description",
            "lead_unit",
            "confirmed",
            "reported_at",
            "reported_on_time",
            "concealed",
            "veto_override",
            "override_reason",
            "status",
            "closed_on",
            "closure_summary",
            "triggers_veto",
            "veto_reasons",
            "events",
            "version",
        ]
        read_only_fields = ["status", "closed_on", "closure_summary"]

    def create(self, validated_data):
        d = dict(validated_data)
        d.pop("version", None)
        return services.create_incident(actor=self.context["request"].user, **d)

    def update(self, instance, validated_data):
        d = dict(validated_data)
        expected = d.pop("version", None)
        if expected is None:
            raise serializers.ValidationError({"version": "修改时必须提供读取时的版本号 version"})
        return services.update_incident(
            instance, actor=self.context["request"].user, expected_version=expected, **d
        )


class EventInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EventKind.choices, label="环节")
    note = serializers.CharField(label="情况", max_length=2000)


class CloseInput(serializers.Serializer):
    version = serializers.IntegerField(label="版本号")
    closed_on = serializers.DateField(label="结案日期")
    summary = serializers.CharField(label="结案情况", max_length=4000)


class IncidentViewSet(ScopedModelViewSet):
    serializer_class = IncidentSerializer
    base_queryset = Incident.objects.select_related("region").prefetch_related("events")
    filterset_class = IncidentFilterSet

    def _changeable(self, pk):
        incident = None
        if str(pk).isdigit():
            incident = Incident.objects.restrict(self.request.user, "change").filter(pk=int(pk)).first()
        if incident is None:
            raise NotFound
        return incident

    def check_create_allowed(self, serializer):
        if change_path(self.request.user) is None:
            raise PermissionDenied("只有创建办可以登记食品安全事件")

    def perform_destroy(self, instance):
        raise PermissionDenied("事件不能删除；登记有误请修改，或人工认定并写明理由")

    @extend_schema(request=EventInput, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def events(self, request, pk=None):
        incident = self._changeable(pk)
        data = EventInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.add_event(incident, actor=request.user, **data.validated_data)
        return Response(
            IncidentSerializer(self.get_queryset().get(pk=incident.pk), context={"request": request}).data
        )

    @extend_schema(request=CloseInput, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        incident = self._changeable(pk)
        data = CloseInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        services.close_incident(
            incident,
            actor=request.user,
            expected_version=d["version"],
            closed_on=d["closed_on"],
            summary=d["summary"],
        )
        return Response(
            IncidentSerializer(self.get_queryset().get(pk=incident.pk), context={"request": request}).data
        )


# ------------------------------------------------------------------------------ 专项整治


class SpecialTargetSerializer(serializers.Serializer):
    township = serializers.IntegerField(source="township_id", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True)
    target = serializers.IntegerField(read_only=True)
    note = serializers.CharField(read_only=True)


class SpecialCampaignSerializer(VersionedSerializer):
    targets = SpecialTargetSerializer(many=True, read_only=True)

    class Meta:
        model = SpecialCampaign
        fields = [
            "id",
            "region",
            "title",
            "kind",
            "starts_on",
            "ends_on",
            "lead_unit",
            "goal",
            "status",
            "summary",
            "targets",
            "version",
        ]

    def create(self, validated_data):
        d = dict(validated_data)
        d.pop("version", None)
        return services.create_special(actor=self.context["request"].user, **d)

    def update(self, instance, validated_data):
        d = dict(validated_data)
        expected = d.pop("version", None)
        if expected is None:
            raise serializers.ValidationError({"version": "修改时必须提供读取时的版本号 version"})
        return services.update_special(
            instance, actor=self.context["request"].user, expected_version=expected, **d
        )


class SpecialTargetInput(serializers.Serializer):
    township = serializers.IntegerField(label="乡镇区划编号", min_value=1, max_value=2**31 - 1)
    target = serializers.IntegerField(label="目标户数", min_value=0, max_value=100000)
    note = serializers.CharField(label="说明", max_length=200, required=False, allow_blank=True)


class SpecialCoverInput(serializers.Serializer):
    categories = serializers.ListField(
        child=serializers.CharField(max_length=30), label="业态代码", required=False, max_length=50
    )
    township = serializers.IntegerField(
        label="乡镇区划编号", min_value=1, max_value=2**31 - 1, required=False
    )


class SpecialCoverOutput(serializers.Serializer):
    added = serializers.IntegerField()


class SpecialProgressRow(serializers.Serializer):
    name = serializers.CharField()
    target = serializers.IntegerField()
    covered = serializers.IntegerField()
    checked = serializers.IntegerField()
    done = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)


class SpecialProgressOutput(serializers.Serializer):
    rows = SpecialProgressRow(many=True)
    totals = serializers.DictField(child=serializers.IntegerField(allow_null=True))


class SpecialCampaignViewSet(ScopedModelViewSet):
    """专项整治: targets per township, the registry's businesses it covers, progress."""

    serializer_class = SpecialCampaignSerializer
    base_queryset = SpecialCampaign.objects.select_related("region").prefetch_related("targets__township")
    filterset_class = SpecialCampaignFilterSet

    def check_create_allowed(self, serializer):
        if change_path(self.request.user) is None:
            raise PermissionDenied("只有创建办可以部署专项整治")

    def perform_destroy(self, instance):
        raise PermissionDenied("专项整治不能删除；请修改状态并总结")

    def _changeable(self, pk):
        campaign = None
        if str(pk).isdigit():
            campaign = (
                SpecialCampaign.objects.restrict(self.request.user, "change").filter(pk=int(pk)).first()
            )
        if campaign is None:
            raise NotFound
        return campaign

    @extend_schema(responses=SpecialProgressOutput)
    @action(detail=True, methods=["get"], pagination_class=None)
    def progress(self, request, pk=None):
        return Response(SpecialProgressOutput(services.special_progress(self.get_object())).data)

    @extend_schema(request=SpecialTargetInput, responses=SpecialCampaignSerializer)
    @action(detail=True, methods=["post"])
    def targets(self, request, pk=None):
        from shian.organisation.models import Region

        campaign = self._changeable(pk)
        data = SpecialTargetInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        township = Region.objects.filter(pk=d["township"]).first()
        if township is None:
            raise serializers.ValidationError({"township": "乡镇不存在"})
        services.set_target(
            campaign, township=township, target=d["target"], note=d.get("note", ""), actor=request.user
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=campaign.pk)).data)

    @extend_schema(request=SpecialCoverInput, responses=SpecialCoverOutput)
    @action(detail=True, methods=["post"])
    def cover(self, request, pk=None):
        from shian.organisation.models import Region

        campaign = self._changeable(pk)
        data = SpecialCoverInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        township = None
        if d.get("township"):
            township = Region.objects.filter(pk=d["township"]).first()
            if township is None:
                raise serializers.ValidationError({"township": "乡镇不存在"})
        added = services.cover_businesses(
            campaign, actor=request.user, categories=d.get("categories") or (), township=township
        )
        return Response({"added": added})


class SpecialSiteSerializer(serializers.ModelSerializer):
    business_name = serializers.CharField(source="business.name", read_only=True)
    township = serializers.CharField(source="business.region.name", read_only=True)

    class Meta:
        model = SpecialSite
        fields = [
            "id",
            "campaign",
            "business",
            "business_name",
            "township",
            "status",
            "checked_on",
            "finding",
            "result",
            "version",
        ]
        read_only_fields = fields


class SpecialSiteInput(serializers.Serializer):
    version = serializers.IntegerField(label="版本号")
    status = serializers.ChoiceField(choices=SiteStatus.choices, label="整治情况")
    checked_on = serializers.DateField(label="排查日期", required=False, allow_null=True)
    finding = serializers.CharField(label="发现问题", max_length=300, required=False, allow_blank=True)
    result = serializers.CharField(label="整改结果", max_length=300, required=False, allow_blank=True)


class SpecialSiteViewSet(ScopedReadOnlyViewSet):
    """专项整治对象; the office or the business's supervising unit records its state (`record`)."""

    serializer_class = SpecialSiteSerializer
    base_queryset = SpecialSite.objects.select_related("business__region")
    filterset_class = SpecialSiteFilterSet

    @extend_schema(request=SpecialSiteInput, responses=SpecialSiteSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        site = (
            SpecialSite.objects.restrict(request.user)
            .select_related("campaign__region", "business")
            .filter(pk=parse_id(pk))
            .first()
        )
        if site is None:
            raise NotFound
        data = SpecialSiteInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        services.record_site(site, actor=request.user, expected_version=d.pop("version"), **d)
        return Response(SpecialSiteSerializer(self.get_queryset().get(pk=site.pk)).data)


def register(router):
    router.register("incidents", IncidentViewSet, basename="incident")
    router.register("special-campaigns", SpecialCampaignViewSet, basename="specialcampaign")
    router.register("special-sites", SpecialSiteViewSet, basename="specialsite")
