from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shian.campaigns.filtersets import CampaignFilterSet
from shian.campaigns.models import Campaign, Milestone
from shian.campaigns.services import check_can_manage
from shian.core.api import ScopedModelViewSet, VersionedSerializer


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "kind", "title", "date", "done", "note"]


@extend_schema_field({"type": "string", "pattern": "^[0-9]{2}:[0-9]{2}(:[0-9]{2})?$", "example": "22:00"})
class ClockTimeField(serializers.TimeField):
    """A time of day without a zone ("22:00"); OpenAPI's "time" format would demand one."""


class CampaignSerializer(VersionedSerializer):
    quiet_start = ClockTimeField(required=False, label="免打扰开始")
    quiet_end = ClockTimeField(required=False, label="免打扰结束")

    milestones = MilestoneSerializer(many=True, read_only=True)
    next_milestone = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "region",
            "level",
            "framework",
            "office",
            "status",
            "started_on",
            "default_task_deadline",
            "description",
            "remind_days_before",
            "quiet_start",
            "quiet_end",
            "milestones",
            "next_milestone",
            "archived_at",
            "version",
        ]

    def get_next_milestone(self, obj) -> dict | None:
        m = obj.next_milestone()
        return {"kind": m.kind, "label": m.label, "date": m.date, "days_left": m.days_left()} if m else None


class CampaignViewSet(ScopedModelViewSet):
    """创建项目。创建办在本辖区内新建、修改；其他角色只读。"""

    queryset = Campaign.objects.select_related("region", "framework").prefetch_related("milestones")
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def check_create_allowed(self, serializer):
        check_can_manage(Campaign(region=serializer.validated_data["region"]), self.request.user)


def register(router):
    router.register("campaigns", CampaignViewSet)
