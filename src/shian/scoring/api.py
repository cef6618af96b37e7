"""Scoring API: assessments (with result, gap and comparison), item scores, vetoes, review groups,
expert scores (experts write their own), interviews. Writes go through the services."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from shian.core.api import MAX_ID, ScopedModelViewSet, ScopedViewSetMixin, VersionedSerializer
from shian.core.services import parse_id
from shian.framework.models import DeductionRule
from shian.scoring import services
from shian.scoring.engine import fmt
from shian.scoring.filtersets import AssessmentFilterSet
from shian.scoring.models import (
    Assessment,
    Deduction,
    ExpertScore,
    Interview,
    ItemScore,
    ReviewGroup,
    VetoAnswer,
)


class AssessmentSerializer(VersionedSerializer):
    class Meta:
        model = Assessment
        fields = [
            "id",
            "campaign",
            "kind",
            "title",
            "held_on",
            "reviewer",
            "status",
            "satisfaction",
            "awareness",
            "support",
            "note",
            "locked_at",
            "locked_by",
            "version",
        ]
        read_only_fields = ["status", "locked_at", "locked_by"]


class CategoryResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    max = serializers.FloatField()
    awarded = serializers.FloatField()
    raw = serializers.FloatField()


class GateResultSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.CharField()
    passed = serializers.BooleanField(allow_null=True, help_text="null：尚不能判定")
    reason = serializers.CharField(allow_blank=True)


class KeyFailureSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    code = serializers.CharField()
    min_share = serializers.FloatField()


class ResultSerializer(serializers.Serializer):
    outcome = serializers.CharField(help_text="passed / failed / incomplete")
    base_total = serializers.FloatField()
    base_max = serializers.FloatField()
    bonus_total = serializers.FloatField()
    bonus_max = serializers.FloatField()
    total = serializers.FloatField()
    readiness = serializers.FloatField()
    unscored = serializers.IntegerField()
    categories = CategoryResultSerializer(many=True)
    gates = GateResultSerializer(many=True)
    key_failures = KeyFailureSerializer(many=True)


class CompareRowSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    code = serializers.CharField()
    values = serializers.ListField(child=serializers.FloatField(allow_null=True))
    change = serializers.FloatField(allow_null=True)


class CompareCategorySerializer(serializers.Serializer):
    name = serializers.CharField()
    values = serializers.ListField(child=serializers.FloatField(allow_null=True))


class CompareSerializer(serializers.Serializer):
    items = CompareRowSerializer(many=True)
    categories = CompareCategorySerializer(many=True)


class LockInput(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1, help_text="读取时的版本号")


class ExpertPointsSerializer(serializers.Serializer):
    expert = serializers.IntegerField()
    points = serializers.FloatField()


class SpreadSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    code = serializers.CharField()
    scores = ExpertPointsSerializer(many=True)
    min = serializers.FloatField(allow_null=True)
    max = serializers.FloatField(allow_null=True)
    spread = serializers.FloatField(allow_null=True, help_text="极差")


class ConfirmInput(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="本组负责的评分项")
    points = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=0, help_text="本组确认得分")
    deduction_text = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="该评分项已有得分时必须回传其版本号"
    )


class ConfirmedSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    points = serializers.CharField()
    version = serializers.IntegerField()


def result_json(result):
    return {
        "outcome": result.outcome,
        "base_total": result.base_total,
        "base_max": result.base_max,
        "bonus_total": result.bonus_total,
        "bonus_max": result.bonus_max,
        "total": result.total,
        "readiness": round(result.readiness, 4),
        "unscored": result.unscored,
        "categories": [
            {
                "id": c.category.id,
                "name": c.category.name,
                "kind": c.category.kind,
                "max": c.max_points,
                "awarded": c.awarded,
                "raw": c.raw,
            }
            for c in result.categories
        ],
        "gates": [
            {"name": g.name, "kind": g.kind, "passed": g.passed, "reason": g.reason} for g in result.gates
        ],
        "key_failures": [{"item": i.id, "code": i.code, "min_share": s} for i, s in result.key_failures],
    }


class AssessmentViewSet(ScopedModelViewSet):
    """评审评分（自评、模拟评审、初评、验收、复审）。创建办新建、修改、签署锁定；其他角色只读。"""

    queryset = Assessment.objects.select_related("campaign")
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.create_assessment(
            d["campaign"],
            actor=self.request.user,
            kind=d.get("kind", "self"),
            title=d.get("title", ""),
            held_on=d.get("held_on"),
            reviewer=d.get("reviewer", ""),
            note=d.get("note", ""),
        )

    def perform_update(self, serializer):
        services.check_can_manage(serializer.instance.campaign, self.request.user)
        services.check_open(serializer.instance)
        super().perform_update(serializer)

    @extend_schema(responses=ResultSerializer)
    @action(detail=True, methods=["get"])
    def result(self, request, pk=None):
        """得分合计、类别小计、否决项与门槛、结论。"""
        return Response(result_json(services.assessment_result(self.get_object())))

    @extend_schema(request=LockInput, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def lock(self, request, pk=None):
        """签署锁定（须回传 version）。"""
        assessment = self.get_object()
        body = LockInput(data=request.data)
        body.is_valid(raise_exception=True)
        services.lock_assessment(
            assessment, actor=request.user, expected_version=body.validated_data.get("version")
        )
        return Response(AssessmentSerializer(assessment).data)

    @extend_schema(
        parameters=[OpenApiParameter("other", int, required=True, description="对比的评审ID")],
        responses=CompareSerializer,
    )
    @action(detail=True, methods=["get"])
    def compare(self, request, pk=None):
        """与 ?other=<id> 逐项对比。"""
        other_id = parse_id(request.query_params.get("other"))
        if other_id is None:
            raise DRFValidationError({"other": "请提供对比的评审ID（other）"})
        other = get_object_or_404(Assessment.objects.restrict(request.user), pk=other_id)
        data = services.compare_assessments([self.get_object(), other])
        return Response(
            {
                "items": [
                    {
                        "item": r["item"].id,
                        "code": r["item"].code,
                        "values": r["values"],
                        "change": r["change"],
                    }
                    for r in data["rows"]
                ],
                "categories": [
                    {"name": c["category"].name, "values": c["values"]} for c in data["categories"]
                ],
            }
        )


class DeductionSerializer(serializers.ModelSerializer):
    problem = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Deduction
        fields = ["id", "rule", "description", "points", "problem"]


class ItemScoreSerializer(VersionedSerializer):
    deductions = DeductionSerializer(many=True, read_only=True)
    rules = serializers.PrimaryKeyRelatedField(
        queryset=DeductionRule.objects.all(),
        many=True,
        write_only=True,
        required=False,
        help_text="选用的扣分规则",
    )
    free_deductions = serializers.ListField(
        child=serializers.DictField(),
        write_only=True,
        required=False,
        help_text='[{"description": "…", "points": 0.5}]',
    )

    class Meta:
        model = ItemScore
        fields = [
            "id",
            "assessment",
            "item",
            "points",
            "rubric_level",
            "methods",
            "note",
            "evidence_ids",
            "deductions",
            "rules",
            "free_deductions",
            "scored_by",
            "scored_at",
            "source_refs",
            "version",
        ]
        read_only_fields = ["scored_by", "scored_at", "source_refs"]

    def _save(self, d, instance=None):
        assessment = instance.assessment if instance else d["assessment"]
        item = instance.item if instance else d["item"]
        user = self.context["request"].user
        free = [(x.get("description", ""), x.get("points", 0)) for x in d.get("free_deductions", [])]
        return services.score_item(
            assessment,
            item,
            actor=user,
            points=d.get("points"),
            rules=d.get("rules", []),
            free_deductions=free,
            methods=d.get("methods", []),
            rubric_level=d.get("rubric_level", ""),
            note=d.get("note", ""),
            evidence_ids=d.get("evidence_ids", []),
            expected_version=d.get("version") if instance else None,
        )

    def create(self, validated_data):
        return self._save(validated_data)

    def update(self, instance, validated_data):
        if validated_data.get("version") is None:
            raise serializers.ValidationError({"version": "修改时必须提供读取时的版本号 version"})
        return self._save(validated_data, instance)


class ItemScoreViewSet(ScopedModelViewSet):
    """评分项得分（含扣分）。评审专家只能看到本组负责的评分项。"""

    queryset = ItemScore.objects.select_related("assessment", "item").prefetch_related("deductions__problem")
    serializer_class = ItemScoreSerializer
    filterset_fields = ["assessment", "item"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def check_create_allowed(self, serializer):
        services.check_can_manage(serializer.validated_data["assessment"].campaign, self.request.user)


class VetoAnswerSerializer(VersionedSerializer):
    gate_name = serializers.CharField(source="gate.name", read_only=True)

    class Meta:
        model = VetoAnswer
        fields = [
            "id",
            "assessment",
            "gate",
            "gate_name",
            "occurred",
            "evidence",
            "derived",
            "derived_basis",
            "records",
            "derived_at",
            "override_reason",
            "version",
        ]
        read_only_fields = ["assessment", "gate", "derived", "derived_basis", "records", "derived_at"]

    def update(self, instance, validated_data):
        return services.answer_veto(
            instance,
            actor=self.context["request"].user,
            occurred=validated_data.get("occurred", instance.occurred),
            evidence=validated_data.get("evidence", instance.evidence),
            override_reason=validated_data.get("override_reason", instance.override_reason),
            expected_version=validated_data.get("version"),
        )


class VetoAnswerViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """否决项判定：是（存在）则无论得分多少均不达标。"""

    queryset = VetoAnswer.objects.select_related("gate", "assessment")
    base_queryset = None
    serializer_class = VetoAnswerSerializer
    filterset_fields = ["assessment"]

    def get_queryset(self):
        action_ = "view" if self.request.method in permissions.SAFE_METHODS else "change"
        return self.queryset.filter(assessment__in=Assessment.objects.restrict(self.request.user, action_))


class ReviewGroupSerializer(VersionedSerializer):
    class Meta:
        model = ReviewGroup
        fields = ["id", "assessment", "name", "leader", "members", "items", "note", "version"]

    def _save(self, d, instance=None):
        assessment = instance.assessment if instance else d["assessment"]

        def get(k, default):
            return d.get(k, getattr(instance, k) if instance else default)

        members = d.get("members", list(instance.members.all()) if instance else [])
        items = d.get("items", list(instance.items.all()) if instance else [])
        return services.save_review_group(
            assessment,
            actor=self.context["request"].user,
            name=get("name", ""),
            leader=get("leader", None),
            members=members,
            items=items,
            note=get("note", ""),
            group=instance,
            expected_version=d.get("version"),
        )

    def create(self, validated_data):
        return self._save(validated_data)

    def update(self, instance, validated_data):
        if validated_data.get("version") is None:
            raise serializers.ValidationError({"version": "修改时必须提供读取时的版本号 version"})
        return self._save(validated_data, instance)


class ReviewGroupViewSet(ScopedModelViewSet):
    """评审组：组长、组员（评审专家）、负责的评分项。专家只能看到自己所在的组。"""

    queryset = ReviewGroup.objects.select_related("assessment").prefetch_related("members", "items")
    serializer_class = ReviewGroupSerializer
    filterset_fields = ["assessment"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def check_create_allowed(self, serializer):
        services.check_can_manage(serializer.validated_data["assessment"].campaign, self.request.user)

    @extend_schema(responses=SpreadSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def spread(self, request, pk=None):
        """本组各评分项的专家评分与极差。"""
        group = self.get_object()
        out = []
        for item in group.items.all():
            s = services.spread(group, item)
            out.append(
                {
                    "item": item.pk,
                    "code": item.code,
                    "scores": [{"expert": e.expert_id, "points": e.points} for e in s["scores"]],
                    "min": s["min"],
                    "max": s["max"],
                    "spread": s["spread"],
                }
            )
        return Response(out)

    @extend_schema(request=ConfirmInput, responses=ConfirmedSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """组长确认本组对某评分项的得分。"""
        group = self.get_object()
        body = ConfirmInput(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        item = get_object_or_404(group.items.all(), pk=d["item"])
        score = services.confirm_group_score(
            group,
            item,
            actor=request.user,
            points=d["points"],
            deduction_text=d["deduction_text"],
            note=d["note"],
            expected_version=d.get("version"),
        )
        return Response({"item": item.pk, "points": fmt(score.points), "version": score.version})

    def get_permissions(self):
        if getattr(self, "action", None) == "confirm":
            return [permissions.IsAuthenticated()]  # group leaders are experts (read-only elsewhere)
        return super().get_permissions()

    def get_queryset(self):
        if getattr(self, "action", None) == "confirm":  # the service checks that the actor leads the group
            return self.queryset.restrict(self.request.user, "view")
        return super().get_queryset()


class ExpertScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExpertScore
        fields = ["id", "group", "item", "expert", "points", "deduction_note", "methods"]
        read_only_fields = ["expert"]


class ExpertScoreViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """专家评分：专家只能对本组负责的评分项打分，只能看到本组的评分。"""

    queryset = ExpertScore.objects.select_related("group", "item", "expert")
    serializer_class = ExpertScoreSerializer
    filterset_fields = ["group", "item"]
    permission_classes = [permissions.IsAuthenticated]  # experts write here; the service checks membership
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer):
        d = serializer.validated_data
        group = get_object_or_404(ReviewGroup.objects.restrict(self.request.user), pk=d["group"].pk)
        serializer.instance = services.submit_expert_score(
            group,
            d["item"],
            actor=self.request.user,
            points=d["points"],
            deduction_note=d.get("deduction_note", ""),
            methods=d.get("methods", []),
        )

    def perform_update(self, serializer):
        inst = serializer.instance
        if inst.expert_id != self.request.user.pk:
            raise PermissionDenied("只能修改自己的评分")
        d = serializer.validated_data
        serializer.instance = services.submit_expert_score(
            inst.group,
            inst.item,
            actor=self.request.user,
            points=d.get("points", inst.points),
            deduction_note=d.get("deduction_note", inst.deduction_note),
            methods=d.get("methods", inst.methods),
        )


class QuestionSerializer(serializers.Serializer):
    question = serializers.CharField()
    answer = serializers.CharField(required=False, allow_blank=True, default="")
    points = serializers.DecimalField(
        max_digits=7, decimal_places=2, required=False, allow_null=True, default=None
    )


class InterviewSerializer(VersionedSerializer):
    questions = QuestionSerializer(many=True, required=False, help_text="访谈问题与回答；修改时整体替换")

    class Meta:
        model = Interview
        fields = [
            "id",
            "assessment",
            "group",
            "item",
            "interviewee",
            "position",
            "unit",
            "held_on",
            "interviewer",
            "score",
            "max_score",
            "summary",
            "questions",
            "version",
        ]

    def to_representation(self, obj):
        data = super().to_representation(obj)
        data["questions"] = [
            {"seq": q.seq, "question": q.question, "answer": q.answer, "points": q.points}
            for q in obj.questions.all()
        ]
        return data

    def _save(self, d, instance=None):
        d = dict(d)
        expected = d.pop("version", None)
        if instance is not None and expected is None:
            raise serializers.ValidationError({"version": "修改时必须提供读取时的版本号 version"})
        questions = [(q["question"], q.get("answer", ""), q.get("points")) for q in d.pop("questions", [])]
        assessment = instance.assessment if instance else d.pop("assessment")
        d.pop("assessment", None)
        return services.save_interview(
            assessment,
            actor=self.context["request"].user,
            interview=instance,
            questions=questions,
            expected_version=expected,
            **d,
        )

    def create(self, validated_data):
        return self._save(validated_data)

    def update(self, instance, validated_data):
        return self._save(validated_data, instance)


class InterviewViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """领导访谈记录（访谈对象、问题、回答、得分）。创建办或本组评审专家记录。"""

    queryset = Interview.objects.select_related("assessment").prefetch_related("questions")
    serializer_class = InterviewSerializer
    filterset_fields = ["assessment", "group"]
    permission_classes = [permissions.IsAuthenticated]  # experts record interviews; the service checks who
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer):
        assessment = serializer.validated_data["assessment"]
        if not Assessment.objects.restrict(self.request.user).filter(pk=assessment.pk).exists():
            raise PermissionDenied("无权在该评审中记录访谈")
        super().perform_create(serializer)


def register(router):
    router.register("assessments", AssessmentViewSet)
    router.register("item-scores", ItemScoreViewSet)
    router.register("veto-answers", VetoAnswerViewSet)
    router.register("review-groups", ReviewGroupViewSet)
    router.register("expert-scores", ExpertScoreViewSet)
    router.register("interviews", InterviewViewSet)
