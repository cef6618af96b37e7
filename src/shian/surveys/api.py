"""Surveys API: the office creates and edits surveys and their questions (same rules as the pages, through
the same services: a question answered in the current form version is versioned, not overwritten)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed, PermissionDenied
from rest_framework.response import Response

from shian.campaigns.models import Campaign
from shian.core.api import ScopedModelViewSet, ScopedSerializerMixin
from shian.organisation.models import Unit
from shian.surveys import services
from shian.surveys.choices import Access, QuestionKind, SurveyKind
from shian.surveys.figures import pass_by_unit, quota_fill, survey_rates
from shian.surveys.models import Question, Survey

SAFE_JSON = 64  # at most this many options per question


class SurveyQuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = [
            "id",
            "seq",
            "kind",
            "block",
            "text",
            "options",
            "scale_min",
            "scale_max",
            "required",
            "condition",
            "explanation",
            "since_version",
            "version",
        ]


class SurveySerializer(ScopedSerializerMixin, serializers.ModelSerializer):
    questions = serializers.SerializerMethodField()
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all())
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=SurveyKind.choices)
    access = serializers.ChoiceField(choices=Access.choices, required=False)
    version = serializers.IntegerField(required=False, help_text="读取时的版本号；修改时必须回传")

    class Meta:
        model = Survey
        fields = [
            "id",
            "campaign",
            "kind",
            "title",
            "intro",
            "unit",
            "is_open",
            "threshold",
            "access",
            "form_version",
            "questions",
            "version",
        ]
        read_only_fields = ["is_open", "form_version"]
        extra_kwargs = {"title": {"required": False}}

    @extend_schema_field(SurveyQuestionSerializer(many=True))
    def get_questions(self, obj) -> list[dict]:
        return SurveyQuestionSerializer(
            [q for q in obj.questions.all() if q.until_version is None], many=True
        ).data

    def validate(self, attrs):
        if self.instance is not None:
            for key in ("campaign", "kind", "unit"):
                if key in attrs and attrs[key] != getattr(self.instance, key):
                    raise serializers.ValidationError({key: "创建后不能修改"})
        return attrs


class QuestionWriteSerializer(serializers.Serializer):
    seq = serializers.IntegerField(min_value=1, max_value=500, required=False)
    kind = serializers.ChoiceField(choices=QuestionKind.choices, required=False)
    block = serializers.CharField(max_length=60, required=False, allow_blank=True)
    text = serializers.CharField(max_length=300, required=False)
    options = serializers.ListField(
        child=serializers.DictField(),
        max_length=SAFE_JSON,
        required=False,
        help_text='[{"label": "满意", "score": 100}]',
    )
    scale_min = serializers.IntegerField(min_value=0, max_value=10, required=False)
    scale_max = serializers.IntegerField(min_value=0, max_value=10, required=False)
    required = serializers.BooleanField(required=False)
    condition = serializers.DictField(required=False, help_text='{"seq": 2, "in": [0, 1]}')
    explanation = serializers.CharField(max_length=300, required=False, allow_blank=True)
    version = serializers.IntegerField(
        required=False, help_text="修改、删除时回传读取时的题目版本号，他人已修改则拒绝（409）"
    )


class QuestionOrderSerializer(serializers.Serializer):
    order = serializers.ListField(
        child=serializers.IntegerField(), max_length=500, help_text="全部现行题目的 id，按新顺序"
    )
    expected = serializers.ListField(
        child=serializers.IntegerField(),
        max_length=500,
        required=False,
        help_text="读取时的题目 id 顺序；题目已被他人改动则拒绝（409）",
    )


class RateSerializer(serializers.Serializer):
    label = serializers.CharField()
    n = serializers.IntegerField()
    positive = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    low = serializers.FloatField()
    high = serializers.FloatField()


class QuotaFillSerializer(serializers.Serializer):
    township = serializers.CharField(source="township.name")
    target = serializers.IntegerField()
    done = serializers.IntegerField()
    share = serializers.FloatField()


class ResultsSerializer(serializers.Serializer):
    overall = RateSerializer()
    groups = RateSerializer(many=True)
    quotas = QuotaFillSerializer(many=True)


def _question(survey, pk):
    from shian.core.services import parse_id

    question = survey.questions.current().filter(pk=parse_id(pk) or 0).first()
    if question is None:
        from rest_framework.exceptions import NotFound

        raise NotFound("题目不存在")
    return question


class SurveyViewSet(ScopedModelViewSet):
    serializer_class = SurveySerializer
    base_queryset = Survey.objects.select_related("campaign").prefetch_related("questions")
    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]

    def destroy(self, request, *args, **kwargs):
        # A survey with answers is closed, not deleted; DELETE is there for its questions only.
        raise MethodNotAllowed("DELETE", detail="问卷不能删除，请停止收集")

    def perform_create(self, serializer):
        data = serializer.validated_data
        try:
            survey = services.create_survey(
                data["campaign"],
                actor=self.request.user,
                kind=data["kind"],
                title=data.get("title", ""),
                unit=data.get("unit"),
                threshold=data.get("threshold"),
            )
            if data.get("intro") or data.get("access"):
                survey = services.edit_survey(
                    survey,
                    actor=self.request.user,
                    expected_version=survey.version,
                    **{k: data[k] for k in ("intro", "access") if data.get(k)},
                )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        serializer.instance = survey

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        expected = data.pop("version", None)
        if expected is None:
            raise serializers.ValidationError({"version": "修改时必须提供读取时的版本号 version"})
        values = {k: data[k] for k in ("title", "intro", "threshold", "access") if k in data}
        with transaction.atomic():
            serializer.instance = services.edit_survey(
                serializer.instance, actor=self.request.user, expected_version=expected, **values
            )

    @extend_schema(responses=ResultsSerializer)
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        survey = self.get_object()
        overall, towns = survey_rates(survey)
        groups = pass_by_unit(survey) if survey.is_quiz else towns
        return Response(
            ResultsSerializer({"overall": overall, "groups": groups, "quotas": quota_fill(survey)}).data
        )

    @extend_schema(request=QuestionWriteSerializer, responses={201: SurveyQuestionSerializer})
    @action(detail=True, methods=["post"], url_path="questions")
    def add_question(self, request, pk=None):
        survey = self.get_object()
        body = QuestionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        values.pop("version", None)
        question = services.add_question(survey, actor=request.user, **values)
        return Response(SurveyQuestionSerializer(question).data, status=201)

    @extend_schema(request=QuestionWriteSerializer, responses=SurveyQuestionSerializer)
    @action(detail=True, methods=["patch"], url_path=r"questions/(?P<question_id>\d{1,12})")
    def edit_question(self, request, pk=None, question_id=None):
        survey = self.get_object()
        body = QuestionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        values.pop("seq", None)  # the number changes only through questions/order/
        expected = values.pop("version", None)
        question = services.edit_question(
            _question(survey, question_id), actor=request.user, expected_version=expected, **values
        )
        return Response(SurveyQuestionSerializer(question).data)

    @extend_schema(request=None, responses={204: None})
    @edit_question.mapping.delete
    def remove_question(self, request, pk=None, question_id=None):
        survey = self.get_object()
        expected = request.query_params.get("version")
        services.remove_question(
            _question(survey, question_id),
            actor=request.user,
            expected_version=int(expected)
            if expected and expected.isdigit() and len(expected) < 10
            else None,
        )
        return Response(status=204)

    @extend_schema(request=QuestionOrderSerializer, responses=SurveyQuestionSerializer(many=True))
    @action(detail=True, methods=["post"], url_path="questions/order")
    def reorder_questions(self, request, pk=None):
        survey = self.get_object()
        body = QuestionOrderSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.reorder_questions(
            survey,
            body.validated_data["order"],
            actor=request.user,
            expected_order=body.validated_data.get("expected"),
        )
        return Response(SurveyQuestionSerializer(survey.questions.current(), many=True).data)


def register(router):
    router.register("surveys", SurveyViewSet, basename="survey")
