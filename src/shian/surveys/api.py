"""Surveys API: the office creates and edits surveys and their questions (same rules as the pages, through
the same services: a question answered in the current form version is versioned, not overwritten), opens
and closes them, sets quotas, issues links and code batches, assigns interviewers and writes the result
into an assessment; an interviewer records calls. Everything the survey page does, nothing more."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed, NotFound, PermissionDenied
from rest_framework.response import Response

from shian.campaigns.models import Campaign
from shian.core.api import MAX_ID, ScopedModelViewSet, ScopedSerializerMixin
from shian.core.services import parse_id
from shian.organisation.choices import RegionLevel
from shian.organisation.models import Region, Unit, User
from shian.surveys import services
from shian.surveys.choices import (
    INTERVIEW_CHANNELS,
    Access,
    AgeGroup,
    CallOutcome,
    Channel,
    QuestionKind,
    SurveyKind,
)
from shian.surveys.figures import most_missed, pass_by_unit, quota_fill, survey_rates
from shian.surveys.models import CallRecord, CodeBatch, Interviewer, Link, Question, Survey

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


class MissedSerializer(serializers.Serializer):
    question = serializers.IntegerField(source="question.pk")
    text = serializers.CharField(source="question.text")
    missed = serializers.IntegerField(help_text="答错人次")
    share = serializers.FloatField(help_text="答错比例")


class ResultsSerializer(serializers.Serializer):
    overall = RateSerializer()
    groups = RateSerializer(many=True, help_text="乡镇（能问能答：单位）")
    quotas = QuotaFillSerializer(many=True)
    missed = MissedSerializer(many=True, help_text="能问能答的易错题（培训重点）；其他问卷为空")


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="读取问卷时的版本号")


class QuotaWriteSerializer(serializers.Serializer):
    township = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="乡镇（街道）区划 id")
    target = serializers.IntegerField(min_value=1, max_value=1_000_000)


class LinkSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    township_name = serializers.CharField(source="township.name", default=None, read_only=True)
    unit_name = serializers.CharField(source="unit.name", default=None, read_only=True)

    class Meta:
        model = Link
        fields = [
            "id",
            "name",
            "channel",
            "township",
            "township_name",
            "unit",
            "unit_name",
            "is_active",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        request = self.context.get("request")
        path = obj.get_public_url()
        return request.build_absolute_uri(path) if request else path


class LinkWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    township = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None
    )
    unit = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None
    )
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.LINK)


class CodeBatchWriteSerializer(serializers.Serializer):
    size = serializers.IntegerField()
    name = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    township = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None
    )


class CodeBatchSerializer(serializers.ModelSerializer):
    link = LinkSerializer(read_only=True)
    codes = serializers.SerializerMethodField(help_text="本批答题码（与答卷互不关联）")

    class Meta:
        model = CodeBatch
        fields = ["id", "name", "size", "link", "codes"]
        read_only_fields = fields

    def get_codes(self, obj) -> list[str]:
        return list(obj.codes.order_by("id").values_list("code", flat=True))


class InterviewerSerializer(serializers.ModelSerializer):
    user_name = serializers.CharField(source="user.__str__", read_only=True)
    township_name = serializers.CharField(source="township.name", default=None, read_only=True)

    class Meta:
        model = Interviewer
        fields = ["id", "user", "user_name", "channel", "township", "township_name", "is_active"]
        read_only_fields = fields


class InterviewerWriteSerializer(serializers.Serializer):
    user = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    channel = serializers.ChoiceField(choices=INTERVIEW_CHANNELS, default=Channel.PHONE)
    township = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None
    )


class CallWriteSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=CallOutcome.choices)
    answers = serializers.DictField(
        required=False, default=dict, help_text="接通时的答案：题号 → 选项序号 / 序号列表 / 分值 / 文字"
    )
    township = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None
    )
    age_group = serializers.ChoiceField(
        choices=AgeGroup.choices, required=False, allow_blank=True, default=""
    )


class CallSerializer(serializers.ModelSerializer):
    class Meta:
        model = CallRecord
        fields = ["id", "outcome", "called_on", "township"]
        read_only_fields = fields


class ApplySerializer(serializers.Serializer):
    assessment = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    assessment_version = serializers.IntegerField(help_text="读取评审时的版本号")


class AppliedSerializer(serializers.Serializer):
    assessment = serializers.IntegerField()
    version = serializers.IntegerField(help_text="评审写入后的版本号")


def _township(pk):
    """A township by id, or None when none was given; an unknown id is the field's error."""
    if pk is None:
        return None
    region = Region.objects.filter(pk=pk, level=RegionLevel.TOWNSHIP).first()
    if region is None:
        raise serializers.ValidationError({"township": "乡镇（街道）不存在"})
    return region


def _question(survey, pk):
    question = survey.questions.current().filter(pk=parse_id(pk) or 0).first()
    if question is None:
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
            ResultsSerializer(
                {
                    "overall": overall,
                    "groups": groups,
                    "quotas": quota_fill(survey),
                    "missed": most_missed(survey) if survey.is_quiz else [],
                }
            ).data
        )

    def _body(self, serializer_class):
        body = serializer_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data

    @extend_schema(request=VersionSerializer, responses=SurveySerializer)
    @action(detail=True, methods=["post"], url_path="open")
    def open_survey(self, request, pk=None):
        """开始收集."""
        return self._set_open(True)

    @extend_schema(request=VersionSerializer, responses=SurveySerializer)
    @action(detail=True, methods=["post"], url_path="close")
    def close_survey(self, request, pk=None):
        """停止收集."""
        return self._set_open(False)

    def _set_open(self, is_open):
        survey = self.get_object()
        data = self._body(VersionSerializer)
        survey = services.set_open(survey, is_open, actor=self.request.user, expected_version=data["version"])
        return Response(self.get_serializer(survey).data)

    @extend_schema(request=QuotaWriteSerializer, responses=QuotaFillSerializer(many=True))
    @action(detail=True, methods=["post"], url_path="quotas")
    def set_quota(self, request, pk=None):
        """乡镇配额（目标样本量）; the answer is every township's fill."""
        survey = self.get_object()
        data = self._body(QuotaWriteSerializer)
        town = _township(data["township"])
        services.set_quota(survey, town, data["target"], actor=request.user)
        return Response(QuotaFillSerializer(quota_fill(survey), many=True).data)

    @extend_schema(methods=["get"], responses=LinkSerializer(many=True))
    @extend_schema(methods=["post"], request=LinkWriteSerializer, responses={201: LinkSerializer})
    @action(detail=True, methods=["get", "post"], url_path="links")
    def links(self, request, pk=None):
        """发放链接: the public links of the survey (list), or a new one for the survey, a township or a unit."""
        survey = self.get_object()
        if request.method == "GET":
            links = survey.links.select_related("township", "unit").order_by("id")
            return Response(LinkSerializer(links, many=True, context={"request": request}).data)
        data = self._body(LinkWriteSerializer)
        unit = None
        if data["unit"] is not None:
            unit = (
                Unit.objects.restrict(request.user).filter(pk=data["unit"]).select_related("region").first()
            )
            if unit is None:
                raise serializers.ValidationError({"unit": "单位不存在"})
        link = services.create_link(
            survey,
            actor=request.user,
            name=data["name"],
            township=_township(data["township"]),
            unit=unit,
            channel=data["channel"],
        )
        return Response(LinkSerializer(link, context={"request": request}).data, status=201)

    @extend_schema(request=CodeBatchWriteSerializer, responses={201: CodeBatchSerializer})
    @action(detail=True, methods=["post"], url_path="code-batches")
    def code_batch(self, request, pk=None):
        """一批一次性答题码 (the survey becomes closed-access); the codes are not linked to any answer."""
        survey = self.get_object()
        data = self._body(CodeBatchWriteSerializer)
        batch = services.generate_codes(
            survey, data["size"], actor=request.user, name=data["name"], township=_township(data["township"])
        )
        return Response(CodeBatchSerializer(batch, context={"request": request}).data, status=201)

    @extend_schema(methods=["get"], responses=InterviewerSerializer(many=True))
    @extend_schema(
        methods=["post"], request=InterviewerWriteSerializer, responses={201: InterviewerSerializer}
    )
    @action(detail=True, methods=["get", "post"], url_path="interviewers")
    def interviewers(self, request, pk=None):
        """访问员: who interviews by telephone or door to door (list), or assign one."""
        survey = self.get_object()
        if request.method == "GET":
            rows = survey.interviewers.select_related("user", "township").order_by("id")
            return Response(InterviewerSerializer(rows, many=True).data)
        data = self._body(InterviewerWriteSerializer)
        person = User.objects.restrict(request.user).filter(pk=data["user"]).first()
        if person is None:
            raise serializers.ValidationError({"user": "请选择访问员"})
        assignment = services.assign_interviewer(
            survey, person, actor=request.user, channel=data["channel"], township=_township(data["township"])
        )
        return Response(InterviewerSerializer(assignment).data, status=201)

    @extend_schema(request=CallWriteSerializer, responses={201: CallSerializer})
    @action(detail=True, methods=["post"], url_path="calls")
    def record_call(self, request, pk=None):
        """访问录入: the requesting interviewer's call or visit (接通 with the answers, or its outcome)."""
        # an interviewer sees the survey without managing it: the page's scope ("view"), not "change"
        survey = Survey.objects.restrict(request.user, "view").filter(pk=parse_id(pk) or 0).first()
        assignment = services.assignment_for(survey, request.user) if survey else None
        if assignment is None:
            raise NotFound("您不是该问卷的访问员")
        data = self._body(CallWriteSerializer)
        call = services.record_call(
            assignment,
            data["outcome"],
            actor=request.user,
            answers=data["answers"],
            township=_township(data["township"]),
            age_group=data["age_group"],
        )
        return Response(CallSerializer(call).data, status=201)

    @extend_schema(request=ApplySerializer, responses=AppliedSerializer)
    @action(detail=True, methods=["post"], url_path="apply")
    def apply(self, request, pk=None):
        """写入评审: the survey kind's weighted rate into the assessment's 满意度/知晓率/支持率."""
        survey = self.get_object()
        data = self._body(ApplySerializer)
        assessment = survey.campaign.assessments.filter(pk=data["assessment"]).first()
        if assessment is None:
            raise serializers.ValidationError({"assessment": "请选择评审"})
        services.apply_to_assessment(
            survey, assessment, actor=request.user, expected_version=data["assessment_version"]
        )
        assessment.refresh_from_db()
        return Response({"assessment": assessment.pk, "version": assessment.version})

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
