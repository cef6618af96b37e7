"""示范引领 API: projects (scoped like the pages) with submit and review as actions."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from shian.core.api import ScopedModelViewSet, VersionedSerializer
from shian.core.policy import change_path
from shian.showcase import services
from shian.showcase.filtersets import ProjectFilterSet
from shian.showcase.models import Milestone, Project


class ProjectMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "due_on", "done_on", "note"]


class ProjectSerializer(VersionedSerializer):
    milestones = ProjectMilestoneSerializer(many=True, read_only=True)
    rubric_total = serializers.IntegerField(read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "campaign",
            "title",
            "direction",
            "item",
            "lead_unit",
            "partners",
            "practice",
            "results",
            "innovation",
            "replicability",
            "status",
            "score_targeted",
            "score_innovative",
            "score_exemplary",
            "score_replicable",
            "rubric_total",
            "review_comment",
            "milestones",
            "version",
        ]
        read_only_fields = [
            "status",
            "score_targeted",
            "score_innovative",
            "score_exemplary",
            "score_replicable",
            "review_comment",
        ]

    def create(self, validated_data):
        d = dict(validated_data)
        d.pop("version", None)
        return services.create_project(actor=self.context["request"].user, **d)

    def update(self, instance, validated_data):
        d = dict(validated_data)
        expected = d.pop("version", None)
        if expected is None:
            raise serializers.ValidationError({"version": "修改时必须提供读取时的版本号 version"})
        return services.update_project(
            instance, actor=self.context["request"].user, expected_version=expected, **d
        )


class ProjectSubmitInput(serializers.Serializer):
    version = serializers.IntegerField(label="版本号")


class ReviewInput(serializers.Serializer):
    version = serializers.IntegerField(label="版本号")
    approve = serializers.BooleanField(label="审核通过")
    comment = serializers.CharField(
        label="审核意见", required=False, allow_blank=True, default="", max_length=2000
    )
    score_targeted = serializers.IntegerField(label="针对性", min_value=0, max_value=10, required=False)
    score_innovative = serializers.IntegerField(label="创新性", min_value=0, max_value=10, required=False)
    score_exemplary = serializers.IntegerField(label="示范性", min_value=0, max_value=10, required=False)
    score_replicable = serializers.IntegerField(label="可推广性", min_value=0, max_value=10, required=False)


class ProjectViewSet(ScopedModelViewSet):
    serializer_class = ProjectSerializer
    base_queryset = Project.objects.select_related("lead_unit").prefetch_related("milestones")
    filterset_class = ProjectFilterSet

    def check_create_allowed(self, serializer):
        if change_path(self.request.user) is None:
            raise PermissionDenied("只有创建办可以新建示范引领项目")

    def perform_destroy(self, instance):
        raise PermissionDenied("示范引领项目不能通过接口删除")

    def _changeable(self, pk):
        project = None
        if str(pk).isdigit():
            project = Project.objects.restrict(self.request.user, "change").filter(pk=int(pk)).first()
        if project is None:
            raise NotFound
        return project

    def _out(self, project):
        return Response(
            ProjectSerializer(self.get_queryset().get(pk=project.pk), context={"request": self.request}).data
        )

    @extend_schema(request=ProjectSubmitInput, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        project = self._changeable(pk)
        data = ProjectSubmitInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.submit_project(project, actor=request.user, expected_version=data.validated_data["version"])
        return self._out(project)

    @extend_schema(request=ReviewInput, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        project = self._changeable(pk)
        data = ReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        services.review_project(
            project,
            actor=request.user,
            expected_version=d.pop("version"),
            approve=d.pop("approve"),
            comment=d.pop("comment"),
            **d,
        )
        return self._out(project)


def register(router):
    router.register("showcase-projects", ProjectViewSet, basename="showcase-project")
