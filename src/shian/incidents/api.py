"""Incidents API: the register (scoped like the pages), its timeline and closure as actions."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from shian.core.api import ScopedModelViewSet, VersionedSerializer
from shian.core.policy import change_path
from shian.incidents import services
from shian.incidents.choices import EventKind
from shian.incidents.filtersets import IncidentFilterSet
from shian.incidents.models import Incident, IncidentEvent


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


def register(router):
    router.register("incidents", IncidentViewSet, basename="incident")
