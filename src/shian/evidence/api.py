"""REST API of the evidence app: materials (list, detail, upload, correct, new version, confirm a
requirement, review, re-extract, search) and the completeness matrix."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from shian.campaigns.models import Campaign
from shian.campaigns.services import current_campaign
from shian.core.api import ScopedReadOnlyViewSet, VersionedSerializer
from shian.core.services import parse_id
from shian.evidence import services
from shian.evidence.filtersets import MaterialFilterSet
from shian.evidence.models import Material, MaterialFile
from shian.framework.models import MaterialRequirement
from shian.organisation.models import Unit


class MaterialFileSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = MaterialFile
        fields = ["id", "number", "original_name", "kind", "size", "sha256", "created_at", "download_url"]

    def get_download_url(self, obj) -> str:
        return reverse("evidence:file_download", args=[obj.pk])


class MaterialSerializer(VersionedSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    current = MaterialFileSerializer(read_only=True)

    class Meta:
        model = Material
        fields = [
            "id",
            "campaign",
            "requirement",
            "item",
            "unit",
            "title",
            "doc_date",
            "doc_date_detected",
            "issuer",
            "doc_number",
            "status",
            "status_display",
            "review_reason",
            "reviewed_by",
            "reviewed_at",
            "submitted_at",
            "text_status",
            "flags",
            "suggestions",
            "current",
            "version",
        ]
        read_only_fields = [f for f in fields if f != "version"]


class UploadSerializer(serializers.Serializer):
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all())
    requirement = serializers.PrimaryKeyRelatedField(
        queryset=MaterialRequirement.objects.all(), required=False, allow_null=True
    )
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    doc_date = serializers.DateField(required=False, allow_null=True)
    issuer = serializers.CharField(required=False, allow_blank=True, max_length=100)
    doc_number = serializers.CharField(required=False, allow_blank=True, max_length=60)
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False)


class MaterialEditSerializer(serializers.Serializer):
    """PATCH: the unit corrects its material's description; a returned material goes back to review."""

    version = serializers.IntegerField(help_text="读取时的版本号；修改时必须回传，防止覆盖他人修改")
    title = serializers.CharField(required=False, max_length=200)
    requirement = serializers.PrimaryKeyRelatedField(
        queryset=MaterialRequirement.objects.all(), required=False, allow_null=True
    )
    doc_date = serializers.DateField(required=False, allow_null=True)
    issuer = serializers.CharField(required=False, allow_blank=True, max_length=100)
    doc_number = serializers.CharField(required=False, allow_blank=True, max_length=60)


class VersionUploadSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    file = serializers.FileField()


class AssignSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    requirement = serializers.PrimaryKeyRelatedField(queryset=MaterialRequirement.objects.all())


class ReviewSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    reason = serializers.CharField(required=False, allow_blank=True)


class MatrixCellSerializer(serializers.Serializer):
    requirement = serializers.IntegerField()
    name = serializers.CharField()
    item = serializers.CharField(help_text="评分项编号")
    indicator = serializers.CharField()
    unit = serializers.IntegerField(allow_null=True)
    period = serializers.CharField(allow_blank=True)
    status = serializers.CharField()
    status_display = serializers.CharField()
    points = serializers.CharField()
    materials = serializers.ListField(child=serializers.IntegerField())


class MatrixSerializer(serializers.Serializer):
    campaign = serializers.IntegerField()
    total = serializers.IntegerField()
    complete = serializers.BooleanField(help_text="全部材料要求均已通过")
    points_at_stake = serializers.CharField()
    totals = serializers.DictField(child=serializers.IntegerField(), help_text="各完整性状态的材料要求数")
    cells = MatrixCellSerializer(many=True)


class SearchHitSerializer(serializers.Serializer):
    material = MaterialSerializer()
    passage = serializers.CharField(help_text="命中段落（HTML，关键词以 <mark> 标出）")


class MaterialViewSet(ScopedReadOnlyViewSet):
    """佐证材料. Upload with multipart POST; 通过 / 退回 through the actions (send `version`)."""

    base_queryset = Material.objects.with_related()
    serializer_class = MaterialSerializer
    filterset_class = MaterialFilterSet
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    CHANGE_ACTIONS = ("approve", "return_material", "partial_update", "new_version", "assign", "extract")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user, only the model
            return Material.objects.none()
        action_name = "change" if self.action in self.CHANGE_ACTIONS else "view"
        return self.base_queryset.all().restrict(self.request.user, action_name)

    @extend_schema(request=MaterialEditSerializer, responses=MaterialSerializer)
    def partial_update(self, request, pk=None):
        """Correct title / 材料要求 / 成文日期 / 发文机关 / 文号 (send `version`); a returned material is
        resubmitted."""
        material = self.get_object()
        body = MaterialEditSerializer(data=request.data, partial=False)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        version = data.pop("version")
        services.update_material(material, data, actor=request.user, expected_version=version)
        material.refresh_from_db()
        return Response(MaterialSerializer(material).data)

    @extend_schema(
        request={"multipart/form-data": VersionUploadSerializer}, responses={201: MaterialSerializer}
    )
    @action(detail=True, methods=["post"], url_path="versions")
    def new_version(self, request, pk=None):
        """Upload a new version of the file (multipart: `file`, `version`); earlier versions are kept and
        the material goes back to review."""
        material = self.get_object()
        body = VersionUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.add_version(
            material,
            body.validated_data["file"],
            actor=request.user,
            expected_version=body.validated_data["version"],
        )
        material.refresh_from_db()
        return Response(MaterialSerializer(material).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AssignSerializer, responses=MaterialSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Confirm a suggested (or chosen) requirement: `requirement`, `version`."""
        material = self.get_object()
        body = AssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.assign_requirement(
            material,
            body.validated_data["requirement"],
            actor=request.user,
            expected_version=body.validated_data["version"],
        )
        material.refresh_from_db()
        return Response(MaterialSerializer(material).data)

    @extend_schema(request=None, responses={202: MaterialSerializer})
    @action(detail=True, methods=["post"])
    def extract(self, request, pk=None):
        """Run text extraction again (after a failure)."""
        material = self.get_object()
        services.request_extraction(material, actor=request.user)
        return Response(MaterialSerializer(material).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        parameters=[
            OpenApiParameter("campaign", int, description="创建项目ID；默认为当前项目"),
            OpenApiParameter("unit", int, description="只看该单位"),
        ],
        responses=MatrixSerializer,
        filters=False,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def matrix(self, request):
        """The completeness matrix of ?campaign= (default: the user's latest campaign), optionally ?unit=:
        every requirement with its status, points and materials, and the totals."""
        from shian.evidence.matrix import build_matrix

        campaigns = Campaign.objects.restrict(request.user).order_by("-created_at")
        value = request.query_params.get("campaign", "")
        if value and parse_id(value) is None:
            raise DRFValidationError({"campaign": "创建项目编号必须是数字"})
        campaign = get_object_or_404(campaigns, pk=int(value)) if value else current_campaign(request.user)
        if campaign is None:
            return Response({"detail": "没有可访问的创建项目"}, status=status.HTTP_404_NOT_FOUND)
        unit = request.query_params.get("unit", "")
        if unit and parse_id(unit) is None:
            raise DRFValidationError({"unit": "单位编号必须是数字"})
        if unit:
            get_object_or_404(Unit.objects.restrict(request.user), pk=int(unit))
        matrix = build_matrix(campaign, request.user, unit_id=int(unit) if unit else None)
        return Response(
            {
                "campaign": campaign.pk,
                "total": matrix["total"],
                "complete": matrix["complete"],
                "points_at_stake": str(matrix["points_at_stake"]),
                "totals": {code: n for code, _label, _css, n in matrix["totals"]},
                "cells": [
                    {
                        "requirement": c.requirement.pk,
                        "name": c.requirement.name,
                        "item": c.requirement.item.code,
                        "indicator": str(c.requirement.item.indicator),
                        "unit": c.unit.pk if c.unit else None,
                        "period": c.requirement.period_label(),
                        "status": c.status,
                        "status_display": c.label,
                        "points": str(c.points),
                        "materials": [m.pk for m in c.materials],
                    }
                    for c in matrix["cells"]
                ],
            }
        )

    @extend_schema(
        request={"multipart/form-data": UploadSerializer}, responses={201: MaterialSerializer(many=True)}
    )
    def create(self, request):
        data = UploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        campaign = get_object_or_404(Campaign.objects.restrict(request.user), pk=v["campaign"].pk)
        created = services.upload_materials(
            campaign,
            v["files"],
            actor=request.user,
            requirement=v.get("requirement"),
            unit=v.get("unit"),
            title=v.get("title", ""),
            doc_date=v.get("doc_date"),
            issuer=v.get("issuer", ""),
            doc_number=v.get("doc_number", ""),
        )
        return Response(MaterialSerializer(created, many=True).data, status=status.HTTP_201_CREATED)

    def _review(self, request, decide):
        material = self.get_object()
        body = ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decide(material, body.validated_data)
        material.refresh_from_db()
        return Response(MaterialSerializer(material).data)

    @extend_schema(request=ReviewSerializer, responses=MaterialSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """通过."""
        return self._review(
            request,
            lambda m, d: services.approve_material(m, actor=request.user, expected_version=d["version"]),
        )

    @extend_schema(request=ReviewSerializer, responses=MaterialSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_material(self, request, pk=None):
        """退回 (reason required)."""
        return self._review(
            request,
            lambda m, d: services.return_material(
                m, d.get("reason", ""), actor=request.user, expected_version=d["version"]
            ),
        )

    @extend_schema(
        parameters=[OpenApiParameter("q", str, required=True, description="检索关键词")],
        responses=SearchHitSerializer(many=True),
        filters=False,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def search(self, request):
        """Full-text search: ?q=关键词; each hit carries the matching passage (HTML with <mark>)."""
        from shian.evidence.search import search_materials

        q = request.query_params.get("q", "").strip()
        if not q:
            raise DRFValidationError({"q": "请输入检索关键词"})
        hits = search_materials(self.get_queryset(), q)
        return Response(
            [{"material": MaterialSerializer(h.material).data, "passage": str(h.passage)} for h in hits]
        )


def register(router):
    router.register("evidence/materials", MaterialViewSet, basename="evidence-material")
