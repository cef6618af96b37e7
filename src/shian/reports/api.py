"""Documents over the API: draft, edit the words (versioned), preview, render, generate, download."""

from django.http import Http404, HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from shian.campaigns.models import Campaign
from shian.core.api import MAX_ID, ScopedModelViewSet, ScopedReadOnlyViewSet, VersionedSerializer
from shian.core.exports import attachment_header
from shian.core.files import file_response
from shian.dispatch.models import DispatchRound
from shian.reports import services
from shian.reports.choices import DocumentKind
from shian.reports.documents import draft as build_draft
from shian.reports.filtersets import DocumentFilterSet
from shian.reports.models import Document, DocumentFile
from shian.reports.preview import render_html
from shian.reports.views import DOCX


class DocumentFileSerializer(serializers.ModelSerializer):
    created_by_name = serializers.CharField(source="created_by.display_name", read_only=True, default=None)
    has_pdf = serializers.SerializerMethodField()

    class Meta:
        model = DocumentFile
        fields = [
            "id",
            "document",
            "number",
            "title",
            "created_by",
            "created_by_name",
            "created_at",
            "has_pdf",
            "is_final",
            "figures",
        ]

    def get_has_pdf(self, obj) -> bool:
        return bool(obj.pdf)


class DocumentSerializer(VersionedSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "campaign",
            "kind",
            "kind_label",
            "title",
            "issue_no",
            "doc_number",
            "period",
            "round",
            "assessment_ref",
            "issued_on",
            "narrative",
            "created_by",
            "created_at",
            "updated_at",
            "version",
            "finalised_at",
        ]
        read_only_fields = [
            "campaign",
            "kind",
            "issue_no",
            "period",
            "round",
            "assessment_ref",
            "created_by",
            "doc_number",
            "finalised_at",
        ]

    def update(self, instance, validated_data):
        expected = validated_data.pop("version", None)
        if expected is None:
            raise serializers.ValidationError({"version": "修改时必须提供读取时的版本号 version"})
        narrative = validated_data.get("narrative")
        if narrative is not None and not isinstance(narrative, dict):
            raise serializers.ValidationError({"narrative": "文字部分须为 {段落标识: 文字}"})
        return services.save_narrative(
            instance,
            narrative or {},
            actor=self.context["request"].user,
            expected_version=expected,
            title=validated_data.get("title"),
            issued_on=validated_data.get("issued_on"),
        )


class DocumentCreateSerializer(DocumentSerializer):
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all())
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    round = serializers.PrimaryKeyRelatedField(
        queryset=DispatchRound.objects.all(), required=False, allow_null=True
    )
    period = serializers.CharField(required=False, allow_blank=True, default="")
    assessment_ref = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    confirm_duplicate = serializers.BooleanField(required=False, default=False, write_only=True)

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "confirm_duplicate"]
        read_only_fields = ["issue_no", "created_by", "narrative", "finalised_at"]

    def create(self, validated_data):
        user = self.context["request"].user
        # campaign and round were chosen among what the user may see (ScopedSerializerMixin), so another
        # county's ids read as absent.
        campaign = validated_data["campaign"]
        return services.create_document(
            campaign,
            validated_data["kind"],
            actor=user,
            period=validated_data.get("period", ""),
            round=validated_data.get("round"),
            assessment_ref=validated_data.get("assessment_ref"),
            title=validated_data.get("title", ""),
            issued_on=validated_data.get("issued_on"),
            doc_number=validated_data.get("doc_number", ""),
            confirm_duplicate=validated_data.get("confirm_duplicate", False),
        )


FORMAT = OpenApiParameter("ext", str, enum=["docx", "pdf"], description="文件格式，默认 docx")


class DocumentViewSet(ScopedModelViewSet):
    """公文报告（简报、通报、阶段总结、自评报告、评审报告）。创建即按数据起草；PATCH 修改文字部分（须带 version）；
    preview 预览，render 下载当前草稿，generate 生成并存档新版本。"""

    queryset = Document.objects.select_related("campaign").order_by("-created_at", "-id")
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def check_create_allowed(self, serializer):
        services.check_can_manage(serializer.validated_data["campaign"], self.request.user)

    def get_serializer_class(self):
        return DocumentCreateSerializer if self.action == "create" else super().get_serializer_class()

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def preview(self, request, pk=None):
        """起草结果：标题、可编辑段落（标识、名称、当前文字）、所用数据与 HTML 预览。"""
        doc = self.get_object()
        d = build_draft(doc)
        return Response(
            {
                "title": doc.title or d.title,
                "figures": services._jsonable(d.figures),
                "sections": [
                    {"key": s.key, "label": s.label, "text": doc.narrative.get(s.key, s.default)}
                    for s in d.sections
                ],
                "html": str(render_html(d.blocks, doc.narrative)),
            }
        )

    @extend_schema(parameters=[FORMAT], responses={(200, DOCX): bytes})
    @action(detail=True, methods=["get"])
    def render(self, request, pk=None):
        """按当前数据和文字生成文件（不存档）。"""
        doc = self.get_object()
        d, data = services.render(doc)
        ext = request.query_params.get("ext", "docx")
        content_type = DOCX
        if ext == "pdf":
            data, content_type = services.docx_to_pdf(data), "application/pdf"
            if data is None:
                raise Http404("服务器未安装 LibreOffice，无法生成 PDF")
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = attachment_header(
            f"{doc.title or d.title}.{'pdf' if ext == 'pdf' else 'docx'}"
        )
        return response

    @extend_schema(request=None, responses={201: DocumentFileSerializer})
    @action(detail=True, methods=["post"])
    def generate(self, request, pk=None):
        """生成并存档新版本（?pdf=1 同时生成 PDF）。"""
        doc = self.get_object()
        f = services.generate_document(doc, actor=request.user, pdf=request.query_params.get("pdf") == "1")
        return Response(DocumentFileSerializer(f).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={201: DocumentFileSerializer})
    @action(detail=True, methods=["post"])
    def finalise(self, request, pk=None):
        """定稿（?version=N 读取时的版本号）：分配发文字号、生成定稿版本并冻结（?pdf=1 同时生成 PDF）。"""
        doc = self.get_object()
        try:
            version = int(request.query_params.get("version", request.data.get("version", "")))
        except (TypeError, ValueError):
            raise serializers.ValidationError({"version": "定稿时必须提供读取时的版本号 version"})
        f = services.finalise_document(
            doc, actor=request.user, expected_version=version, pdf=request.query_params.get("pdf") == "1"
        )
        return Response(DocumentFileSerializer(f).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=DocumentFileSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def files(self, request, pk=None):
        """已生成的版本。"""
        doc = self.get_object()
        return Response(DocumentFileSerializer(doc.files.select_related("created_by"), many=True).data)


class DocumentFileViewSet(ScopedReadOnlyViewSet):
    """已生成的公文版本；download 下载 Word 或 PDF。"""

    queryset = DocumentFile.objects.select_related("created_by").order_by("-created_at")
    serializer_class = DocumentFileSerializer

    @extend_schema(parameters=[FORMAT], responses={(200, DOCX): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        f = self.get_object()
        ext = "pdf" if request.query_params.get("ext") == "pdf" else "docx"
        field = f.pdf if ext == "pdf" else f.docx
        if not field:
            raise Http404("该版本没有PDF文件")
        return file_response(field, f.filename(ext))


def register(router):
    router.register("documents", DocumentViewSet, basename="document")
    router.register("document-files", DocumentFileViewSet, basename="document-file")
