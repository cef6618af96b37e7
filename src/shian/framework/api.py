"""Framework API: frameworks (read, tree, export, import), scoring items (read, versioned update)."""

import json

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response

from shian.core.api import PassthroughRenderer, ScopedModelViewSet, ScopedReadOnlyViewSet, VersionedSerializer
from shian.core.exports import attachment_header
from shian.framework import exporting
from shian.framework.choices import Method
from shian.framework.filtersets import FrameworkFilterSet, ScoringItemFilterSet
from shian.framework.importing import import_framework, json_safe
from shian.framework.models import Framework, ScoringItem
from shian.framework.treedata import framework_queryset
from shian.organisation.models import Region


class FrameworkSerializer(serializers.ModelSerializer):
    owner_region_name = serializers.CharField(source="owner_region.name", read_only=True, default=None)

    class Meta:
        model = Framework
        fields = [
            "id",
            "name",
            "version_label",
            "issuer",
            "description",
            "is_sample",
            "owner_region",
            "owner_region_name",
            "pass_line",
            "key_item_min_share",
            "default_step",
            "version",
            "created_at",
        ]


class ScoringItemSerializer(VersionedSerializer):
    framework = serializers.IntegerField(source="indicator.category.framework_id", read_only=True)
    lead_units = serializers.SerializerMethodField()
    coop_units = serializers.SerializerMethodField()
    methods = serializers.ListField(child=serializers.ChoiceField(choices=Method.choices), required=False)

    class Meta:
        model = ScoringItem
        fields = [
            "id",
            "framework",
            "indicator",
            "seq",
            "code",
            "content",
            "points",
            "step",
            "methods",
            "scoring_rule",
            "rubric",
            "is_key",
            "key_min_share",
            "deadline",
            "deadline_text",
            "lead_units",
            "coop_units",
            "unmatched_units",
            "unmatched_coop_units",
            "version",
        ]
        read_only_fields = ["indicator"]

    def get_lead_units(self, obj) -> list[int]:
        return [a.unit_id for a in obj.assignments.all() if a.role == "lead"]

    def get_coop_units(self, obj) -> list[int]:
        return [a.unit_id for a in obj.assignments.all() if a.role == "coop"]


def _tree_json(fw) -> dict:
    """The nested tree with ids, for clients that browse or edit."""

    def item(i):
        return {
            "id": i.pk,
            "code": i.code,
            "content": i.content,
            "points": json_safe(i.points),
            "step": json_safe(i.step),
            "methods": i.methods,
            "scoring_rule": i.scoring_rule,
            "rubric": i.rubric,
            "is_key": i.is_key,
            "key_min_share": json_safe(i.key_min_share),
            "deadline": i.deadline.isoformat() if i.deadline else None,
            "deadline_text": i.deadline_text,
            "lead_units": [
                {"id": a.unit_id, "name": a.unit.name} for a in i.assignments.all() if a.role == "lead"
            ],
            "coop_units": [
                {"id": a.unit_id, "name": a.unit.name} for a in i.assignments.all() if a.role == "coop"
            ],
            "unmatched_units": i.unmatched_lead_names(),
            "unmatched_coop_units": i.unmatched_coop_names(),
            "deductions": [
                {
                    "id": d.pk,
                    "description": d.description,
                    "points": json_safe(d.points),
                    "per_occurrence": d.per_occurrence,
                }
                for d in i.deductions.all()
            ],
            "materials": [
                {
                    "id": m.pk,
                    "name": m.name,
                    "description": m.description,
                    "provider": m.provider.name if m.provider else (m.provider_name or None),
                    "period": m.period,
                    "period_years": m.period_years,
                }
                for m in i.materials.all()
            ],
            "version": i.version,
        }

    return {
        "id": fw.pk,
        "name": fw.name,
        "version_label": fw.version_label,
        "is_sample": fw.is_sample,
        "pass_line": json_safe(fw.pass_line),
        "key_item_min_share": json_safe(fw.key_item_min_share),
        "default_step": json_safe(fw.default_step),
        "categories": [
            {
                "id": c.pk,
                "code": c.code,
                "name": c.name,
                "kind": c.kind,
                "points": json_safe(c.points),
                "cap": json_safe(c.cap),
                "indicators": [
                    {
                        "id": ind.pk,
                        "code": ind.code,
                        "name": ind.name,
                        "description": ind.description,
                        "items": [item(i) for i in ind.items.all()],
                    }
                    for ind in c.indicators.all()
                ],
            }
            for c in fw.categories.all()
        ],
        "gates": [
            {
                "id": g.pk,
                "kind": g.kind,
                "name": g.name,
                "description": g.description,
                "metric": g.metric,
                "threshold": json_safe(g.threshold),
            }
            for g in fw.gates.all()
        ],
    }


class XlsxRenderer(PassthroughRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"


class YamlRenderer(PassthroughRenderer):
    media_type = "application/x-yaml"
    format = "yaml"


class FrameworkViewSet(ScopedReadOnlyViewSet):
    """评价细则（只读）；`tree/` 为完整的类别—指标—评分项树；`export/` 导出；`import/` 导入（先预览后确认）。"""

    queryset = Framework.objects.select_related("owner_region")
    serializer_class = FrameworkSerializer
    filterset_class = FrameworkFilterSet

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def tree(self, request, pk=None):
        fw = self.get_object()
        fw = framework_queryset().get(pk=fw.pk)
        return Response(_tree_json(fw))

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["xlsx", "yaml"], description="导出格式")],
        responses={(200, "application/octet-stream"): bytes},
    )
    @action(detail=True, methods=["get"], renderer_classes=[XlsxRenderer, YamlRenderer, JSONRenderer])
    def export(self, request, pk=None):
        fw = self.get_object()
        fmt = request.query_params.get("format", "xlsx")
        if fmt == "xlsx":
            response = HttpResponse(exporting.export_xlsx(fw), content_type=XlsxRenderer.media_type)
            name = exporting.filename_for(fw, ".xlsx")
        elif fmt == "yaml":
            response = HttpResponse(exporting.export_yaml(fw).encode(), content_type="application/x-yaml")
            name = exporting.filename_for(fw, ".yaml")
        else:
            raise ValidationError({"format": "导出格式应为 xlsx 或 yaml"})
        response["Content-Disposition"] = attachment_header(name)
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "region": {"type": "string", "description": "所属区划代码"},
                    "name": {"type": "string"},
                    "confirm": {"type": "boolean", "description": "false 只预览；true 写入"},
                    "mapping": {
                        "type": "string",
                        "description": 'JSON：{"未匹配名称": 单位ID | "create" | "skip"}',
                    },
                    "create_units": {"type": "boolean"},
                },
            }
        },
        responses={200: dict, 201: dict, 400: dict},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
        renderer_classes=[JSONRenderer, BrowsableAPIRenderer],
    )
    def import_file(self, request):
        user = request.user
        if not user.is_office:
            raise PermissionDenied("只有创建办可以导入评价细则")
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": "请上传细则文件（xlsx、xls 或 yaml）"})
        from django.core.exceptions import ValidationError as DjangoValidationError

        from shian.core.uploads import check_upload

        try:
            upload.name = check_upload(upload, "framework_import")
        except DjangoValidationError as exc:
            raise ValidationError({"file": exc.messages})
        region = None
        code = request.data.get("region")
        if code:
            region = Region.objects.filter(code=code).first()
            if region is None:
                raise ValidationError({"region": f"区划代码“{code}”不存在"})
        elif not user.is_admin:
            region = user.region_scope
        mapping = request.data.get("mapping") or {}
        if isinstance(mapping, str):
            try:
                mapping = json.loads(mapping)
            except ValueError:
                raise ValidationError({"mapping": "mapping 应为 JSON 对象"})
        if not isinstance(mapping, dict):
            raise ValidationError({"mapping": "mapping 应为 JSON 对象"})
        confirm = str(request.data.get("confirm", "")).lower() in ("1", "true", "yes")
        create_units = str(request.data.get("create_units", "")).lower() in ("1", "true", "yes")
        try:
            outcome = import_framework(
                upload,
                filename=upload.name,
                owner_region=region,
                actor=user,
                name=request.data.get("name") or None,
                mapping=mapping,
                create_units=create_units,
                dry_run=not confirm,
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc))
        if outcome.errors:
            return Response(
                {"errors": outcome.errors, "preview": json_safe(outcome.preview)},
                status=status.HTTP_400_BAD_REQUEST,
            )
        body = {"preview": json_safe(outcome.preview)}
        if outcome.framework is None:
            return Response(body)
        body.update(id=outcome.framework.pk, created_units=[u.pk for u in outcome.created_units])
        return Response(body, status=status.HTTP_201_CREATED)


class ScoringItemViewSet(ScopedModelViewSet):
    """评分项：所有用户可读；本辖区创建办可修改（须回传 version）。"""

    queryset = ScoringItem.objects.select_related("indicator__category").prefetch_related("assignments")
    serializer_class = ScoringItemSerializer
    filterset_class = ScoringItemFilterSet
    http_method_names = ["get", "put", "patch", "head", "options"]

    def get_object(self):
        obj = super().get_object()
        if obj is None:
            raise NotFound
        return obj


def register(router):
    router.register("frameworks", FrameworkViewSet)
    router.register("scoring-items", ScoringItemViewSet)
