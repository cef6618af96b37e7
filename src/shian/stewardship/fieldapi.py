"""包保 API for a phone client and the office's overview: the cadre's round, 五步法 visits with photos,
findings into problems, the signed 承诺书, rule checks, the quarter's summary, coverage, points and the
township's 三表一书一报告. The same services and the same scope as the pages (`views.py`, `fieldwork.py`)."""

import datetime

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from shian.core.api import MAX_ID, PassthroughRenderer, ScopedModelViewSet, ScopedViewSetMixin
from shian.core.files import file_response
from shian.core.services import parse_id
from shian.organisation.models import Region
from shian.registry.models import Business
from shian.stewardship import docs, figures, services
from shian.stewardship import points as point_rules
from shian.stewardship.choices import STEP_RESULTS, DutyKind, FindingStatus, VisitStep
from shian.stewardship.filtersets import VisitFilterSet
from shian.stewardship.http import document_response, quarter_of, request_year, user_region
from shian.stewardship.models import Cadre, Commitment, StewardVisit, StewardVisitPhoto, VisitFinding


class DocxRenderer(PassthroughRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    format = "docx"


class PdfRenderer(PassthroughRenderer):
    media_type = "application/pdf"
    format = "pdf"


# the document actions' renderers: Word by default, PDF on ?format=pdf, JSON for their errors
DOCUMENT_RENDERERS = [DocxRenderer, PdfRenderer, JSONRenderer]


class ImportResultSerializer(serializers.Serializer):
    rows_read = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    rejected = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.CharField(), help_text="每条指明工作表、行、列")
    ok = serializers.BooleanField()


class CadreLinkSerializer(serializers.Serializer):
    url = serializers.CharField()
    days = serializers.IntegerField(help_text="有效天数")
    message = serializers.CharField(help_text="发给干部的短信文字")


class DueSerializer(serializers.Serializer):
    business = serializers.IntegerField(source="business.pk")
    business_name = serializers.CharField(source="business.name")
    last = serializers.DateField(allow_null=True, help_text="上次督导")
    due = serializers.DateField(help_text="下次应督导")
    overdue = serializers.BooleanField()
    open = serializers.IntegerField(help_text="待复查问题数")


class OverLoadSerializer(serializers.Serializer):
    cadre = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    level = serializers.CharField()
    load = serializers.IntegerField(source="n")
    max_load = serializers.IntegerField()


class BreakingSerializer(serializers.Serializer):
    binding = serializers.IntegerField(source="pk")
    cadre = serializers.IntegerField(source="cadre_id")
    business = serializers.IntegerField(source="business_id")
    problem = serializers.CharField()


class ChecksSerializer(serializers.Serializer):
    unbound = serializers.IntegerField(help_text="尚无包保干部的在营主体数")
    over_load = OverLoadSerializer(many=True)
    breaking = BreakingSerializer(many=True)


def own_or_scoped_cadre(viewset, pk) -> Cadre:
    """The caller's own cadre record, or one its scope shows."""
    return (
        Cadre.objects.filter(pk=parse_id(pk) or 0, user=viewset.request.user).first() or viewset.get_object()
    )


class FindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = VisitFinding
        fields = ["id", "step", "text", "status", "problem", "checked_in"]
        read_only_fields = fields


class VisitPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="下载地址（同样的权限）")

    class Meta:
        model = StewardVisitPhoto
        fields = ["id", "step", "url"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return reverse("steward-visit-photo", args=[obj.visit_id, obj.pk])


class StewardVisitSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    business_name = serializers.CharField(source="business.name", read_only=True)
    findings = FindingSerializer(many=True, read_only=True)
    photos = VisitPhotoSerializer(many=True, read_only=True)

    class Meta:
        model = StewardVisit
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "business",
            "business_name",
            "visited_on",
            "licences_shown",
            "licences_note",
            "records_kept",
            "records_note",
            "staff_answered",
            "staff_note",
            "problems",
            "feedback",
            "feedback_to",
            "latitude",
            "longitude",
            "via_link",
            "findings",
            "photos",
        ]
        read_only_fields = fields


class StewardVisitInput(serializers.Serializer):
    """A visit by the 五步法; photos come as multipart files photos1 … photos5 (one field per step)."""

    cadre = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    business = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    visited_on = serializers.DateField(required=False, help_text="默认今天；不能晚于今天")
    look = serializers.ChoiceField(choices=STEP_RESULTS, default="pass", help_text="一看：证照公示")
    look_note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    check = serializers.ChoiceField(choices=STEP_RESULTS, default="pass", help_text="二查：制度台账")
    check_note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    ask = serializers.ChoiceField(choices=STEP_RESULTS, default="pass", help_text="三问：能问能答")
    ask_note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    problems = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default="", help_text="四记：每行一个问题"
    )
    feedback = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    feedback_to = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    follow_ups = serializers.DictField(
        child=serializers.ChoiceField(choices=[FindingStatus.FIXED, FindingStatus.NOT_FIXED]),
        required=False,
        default=dict,
        help_text="复查：此前未整改问题的 id → fixed / not_fixed",
    )
    duty_seen = serializers.ListField(
        child=serializers.ChoiceField(choices=DutyKind.choices),
        required=False,
        default=list,
        help_text="督导时查看到的主体责任记录（日管控/周排查/月调度）",
    )
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=10, decimal_places=6, min_value=-180, max_value=180, required=False, allow_null=True
    )


def _visitable_cadre(user, pk) -> Cadre:
    cadre = Cadre.objects.filter(pk=pk, is_active=True).select_related("region").first()
    if cadre is None or not services.cadre_may_visit(cadre, user):
        raise serializers.ValidationError({"cadre": "包保干部不存在或不在您可填报的范围内"})
    return cadre


class StewardVisitViewSet(ScopedModelViewSet):
    """包保督导 records in scope; POST records one by the 五步法 (the cadre's own login, or who manages
    the cadre), findings become the business's problems when the office records or converts them."""

    serializer_class = StewardVisitSerializer
    base_queryset = StewardVisit.objects.select_related("cadre", "business").prefetch_related(
        "findings", "photos"
    )
    filterset_class = VisitFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        # every route reads the visible rows; what changes goes through the services, which check the
        # writer (the cadre's login, or who manages the cadre; problems only the campaign's office)
        return self.base_queryset.all().restrict(self.request.user, "view")

    @extend_schema(request=StewardVisitInput, responses={201: StewardVisitSerializer})
    def create(self, request, *args, **kwargs):
        body = StewardVisitInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        cadre = _visitable_cadre(request.user, data.pop("cadre"))
        business = Business.objects.filter(
            pk=data.pop("business"), bindings__cadre=cadre, bindings__is_active=True
        ).first()
        if business is None:
            raise serializers.ValidationError({"business": "该主体不在这位干部的包保范围内"})
        steps = {VisitStep.LOOK: "look", VisitStep.CHECK: "check", VisitStep.ASK: "ask"}
        photos = [(step, f) for step in VisitStep.values for f in request.FILES.getlist(f"photos{step}")]
        visit = services.record_visit(
            cadre,
            business,
            actor=request.user,
            visited_on=data.get("visited_on") or timezone.localdate(),
            results={step: data[name] != "fail" for step, name in steps.items()},
            notes={step: data[f"{name}_note"] for step, name in steps.items()},
            problems=data["problems"],
            feedback=data["feedback"],
            feedback_to=data["feedback_to"],
            follow_ups=data["follow_ups"],
            photos=photos,
            duty_seen=tuple(data["duty_seen"]),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
        )
        return Response(self.get_serializer(self.base_queryset.get(pk=visit.pk)).data, status=201)

    @extend_schema(request=None, responses={201: FindingSerializer(many=True)})
    @action(detail=True, methods=["post"], url_path="problems")
    def to_problems(self, request, pk=None):
        """转为整改问题: the visit's findings without a problem, for the business's supervising unit."""
        visit = self.get_object()
        services.findings_to_problems(visit, actor=request.user)
        fresh = VisitFinding.objects.filter(visit=visit).order_by("id")  # not the prefetched rows
        return Response(FindingSerializer(fresh, many=True).data, status=201)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"], url_path=r"photos/(?P<photo_id>\d{1,12})", url_name="photo")
    def photo(self, request, pk=None, photo_id=None):
        photo = StewardVisitPhoto.objects.filter(visit=self.get_object(), pk=photo_id).first()
        if photo is None:
            raise NotFound()
        return file_response(photo.file, photo.file.name.rsplit("/", 1)[-1])


class CommitmentSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    scan_url = serializers.SerializerMethodField()

    class Meta:
        model = Commitment
        fields = ["id", "cadre", "cadre_name", "year", "businesses", "signed_on", "scan_url"]
        read_only_fields = fields

    def get_scan_url(self, obj) -> str | None:
        return reverse("steward-commitment-scan", args=[obj.pk]) if obj.signed_scan else None


class CommitmentInput(serializers.Serializer):
    cadre = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    year = serializers.IntegerField(min_value=2001, max_value=2099)
    signed_scan = serializers.FileField(help_text="签字后的 PDF 或照片（JPG、PNG）")
    signed_on = serializers.DateField(required=False, allow_null=True)


class CommitmentViewSet(ScopedModelViewSet):
    """三张清单一承诺书 signed and uploaded; POST (multipart) uploads the signed scan of a cadre's year."""

    serializer_class = CommitmentSerializer
    base_queryset = Commitment.objects.select_related("cadre")
    filterset_fields = ["cadre", "year"]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return self.base_queryset.all().restrict(self.request.user, "view")

    @extend_schema(request={"multipart/form-data": CommitmentInput}, responses={201: CommitmentSerializer})
    def create(self, request, *args, **kwargs):
        body = CommitmentInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        commitment = services.upload_signed(
            _visitable_cadre(request.user, data["cadre"]),
            data["year"],
            data["signed_scan"],
            actor=request.user,
            signed_on=data.get("signed_on"),
        )
        return Response(self.get_serializer(commitment).data, status=201)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"], url_name="scan")
    def scan(self, request, pk=None):
        commitment = self.get_object()
        if not commitment.signed_scan:
            raise NotFound("尚未上传签字扫描件")
        return file_response(commitment.signed_scan, commitment.signed_scan.name.rsplit("/", 1)[-1])


class SummaryRowSerializer(serializers.Serializer):
    region = serializers.IntegerField(source="region.pk")
    region_name = serializers.CharField(source="region.name")
    cadres = serializers.IntegerField()
    bindings = serializers.IntegerField()
    required = serializers.IntegerField()
    done = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    cadres_on_time = serializers.IntegerField()
    found = serializers.IntegerField()
    fixed = serializers.IntegerField()
    signed = serializers.IntegerField()


YEAR = OpenApiParameter("year", int, description="年度，默认今年")


class CoverageRowSerializer(serializers.Serializer):
    region = serializers.IntegerField(source="region.pk")
    region_name = serializers.CharField(source="region.name")
    cadres = serializers.IntegerField(required=False)
    signed = serializers.IntegerField(required=False)
    required = serializers.IntegerField(required=False)
    done = serializers.IntegerField(required=False)
    rate = serializers.FloatField(allow_null=True)


class CoverageSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    commitments = CoverageRowSerializer(many=True, help_text="承诺书：有包保关系的在岗干部与已签字上传")
    visits = CoverageRowSerializer(many=True, help_text="督导：截至当日应督导（按年度频次折算）与已督导")


class PointsRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="object.pk")
    name = serializers.CharField(source="object.name")
    points = serializers.IntegerField()
    stars = serializers.IntegerField()
    events = serializers.DictField(child=serializers.IntegerField(), help_text="积分事件 → 次数")


class PointsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    cadres = PointsRowSerializer(many=True)
    businesses = PointsRowSerializer(many=True)


class SummaryViewSet(ScopedViewSetMixin, viewsets.ViewSet):
    """The caller's region's 包保 figures: the quarter's summary per township (list), the year's coverage,
    points and stars, and a township's 三表一书一报告."""

    @extend_schema(
        parameters=[
            YEAR,
            OpenApiParameter("quarter", int, enum=[1, 2, 3, 4], description="季度，默认本季度"),
        ],
        responses=SummaryRowSerializer(many=True),
    )
    def list(self, request):

        region = user_region(request.user)
        if region is None:
            raise NotFound()
        year, quarter = quarter_of(request)
        return Response(
            SummaryRowSerializer(figures.quarterly_summary(region, year, quarter), many=True).data
        )

    @extend_schema(parameters=[YEAR], responses=CoverageSerializer)
    @action(detail=False, methods=["get"])
    def coverage(self, request):
        """包保落实情况 per township: signed 承诺书 of the year, visits done against required so far."""
        region = user_region(request.user)
        if region is None:
            raise NotFound()
        year = request_year(request)
        as_of = min(timezone.localdate(), datetime.date(year, 12, 31))
        data = {
            "as_of": as_of,
            "commitments": figures.commitment_coverage(region, year),
            "visits": figures.visit_compliance(region, as_of),
        }
        return Response(CoverageSerializer(data).data)

    @extend_schema(parameters=[YEAR], responses=PointsSerializer)
    @action(detail=False, methods=["get"])
    def points(self, request):
        """积分 and 星级 of the year: cadres (highest first) and the businesses visited."""
        year = request_year(request)
        cadre_events, business_events = point_rules.year_points(
            year, StewardVisit.objects.restrict(request.user)
        )
        cadres = Cadre.objects.restrict(request.user).filter(is_active=True)
        businesses = Business.objects.restrict(request.user).filter(pk__in=list(business_events))
        data = {
            "year": year,
            "cadres": point_rules.ranking("cadre", cadres, cadre_events),
            "businesses": point_rules.ranking("business", businesses, business_events),
        }
        return Response(PointsSerializer(data).data)

    @extend_schema(
        parameters=[YEAR, OpenApiParameter("format", str, enum=["docx", "pdf"], description="默认 docx")],
        responses={(200, "application/octet-stream"): bytes},
    )
    @action(
        detail=False,
        methods=["get"],
        url_path=r"report/(?P<region_id>\d{1,12})",
        renderer_classes=DOCUMENT_RENDERERS,
    )
    def report(self, request, region_id=None):
        """三表一书一报告 of a township of the caller's region, from the records as of today (or the year's end)."""
        scope = user_region(request.user)
        town = Region.objects.filter(pk=parse_id(region_id) or 0).first()
        if scope is None or town is None or not town.path.startswith(scope.path):
            raise NotFound()
        year = request_year(request)
        as_of = min(timezone.localdate(), datetime.date(year, 12, 31))
        return document_response(
            request, docs.township_report_docx(town, year, as_of), f"{town.name}{year}年三表一书一报告"
        )
