from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from shian.core.api import ScopedReadOnlyViewSet
from shian.surveys.figures import pass_by_unit, quota_fill, survey_rates
from shian.surveys.models import Question, Survey


class SurveyQuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = ["seq", "text", "options", "explanation"]


class SurveySerializer(serializers.ModelSerializer):
    questions = SurveyQuestionSerializer(many=True, read_only=True)

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
            "questions",
            "version",
        ]


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


class SurveyViewSet(ScopedReadOnlyViewSet):
    serializer_class = SurveySerializer
    base_queryset = Survey.objects.prefetch_related("questions")

    @extend_schema(responses=ResultsSerializer)
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        survey = self.get_object()
        overall, towns = survey_rates(survey)
        groups = pass_by_unit(survey) if survey.is_quiz else towns
        return Response(
            ResultsSerializer({"overall": overall, "groups": groups, "quotas": quota_fill(survey)}).data
        )


def register(router):
    router.register("surveys", SurveyViewSet, basename="survey")
