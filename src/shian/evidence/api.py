"""REST API of the evidence app: materials (list, detail, upload, review, search) and the matrix."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from shian.campaigns.models import Campaign
from shian.core.api import ScopedReadOnlyViewSet, VersionedSerializer
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
        fields = ["id", "campaign", "requirement", "item", "unit", "title", "doc_date", "doc_date_detected",
                  "issuer", "doc_number", "status", "status_display", "review_reason", "reviewed_by",
                  "reviewed_at", "submitted_at", "text_status", "flags", "suggestions", "current", "version"]
        read_only_fields = [f for f in fields if f != "version"]


class UploadSerializer(serializers.Serializer):
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all())
    requirement = serializers.PrimaryKeyRelatedField(queryset=MaterialRequirement.objects.all(), required=False,
                                                     allow_null=True)
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    doc_date = serializers.DateField(required=False, allow_null=True)
    issuer = serializers.CharField(required=False, allow_blank=True, max_length=100)
    doc_number = serializers.CharField(required=False, allow_blank=True, max_length=60)
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False)


class ReviewSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    reason = serializers.CharField(required=False, allow_blank=True)


class MaterialViewSet(ScopedReadOnlyViewSet):
    """佐证材料. Upload with multipart POST; 通过 / 退回 through the actions (send `version`)."""

    base_queryset = Material.objects.with_related()
    serializer_class = MaterialSerializer
    filterset_class = MaterialFilterSet
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        action_name = "change" if self.action in ("approve", "return_material") else "view"
        return self.base_queryset.all().restrict(self.request.user, action_name)

    def create(self, request):
        data = UploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        campaign = get_object_or_404(Campaign.objects.restrict(request.user), pk=v["campaign"].pk)
        created = services.upload_materials(
            campaign, v["files"], actor=request.user, requirement=v.get("requirement"), unit=v.get("unit"),
            title=v.get("title", ""), doc_date=v.get("doc_date"), issuer=v.get("issuer", ""),
            doc_number=v.get("doc_number", ""))
        return Response(MaterialSerializer(created, many=True).data, status=status.HTTP_201_CREATED)

    def _review(self, request, decide):
        material = self.get_object()
        body = ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decide(material, body.validated_data)
        material.refresh_from_db()
        return Response(MaterialSerializer(material).data)

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """通过."""
        return self._review(request, lambda m, d: services.approve_material(
            m, actor=request.user, expected_version=d["version"]))

    @action(detail=True, methods=["post"], url_path="return")
    def return_material(self, request, pk=None):
        """退回 (reason required)."""
        return self._review(request, lambda m, d: services.return_material(
            m, d.get("reason", ""), actor=request.user, expected_version=d["version"]))

    @action(detail=False, methods=["get"])
    def search(self, request):
        """Full-text search: ?q=关键词; each hit carries the matching passage (HTML with <mark>)."""
        from shian.evidence.search import search_materials

        q = request.query_params.get("q", "").strip()
        if not q:
            raise DRFValidationError({"q": "请输入检索关键词"})
        hits = search_materials(self.get_queryset(), q)
        return Response([{"material": MaterialSerializer(h.material).data, "passage": str(h.passage)} for h in hits])


def register(router):
    router.register("evidence/materials", MaterialViewSet, basename="evidence-material")
