"""shian report KIND --campaign ID [--period P] [--round ID] [--assessment ID] -o FILE.docx|FILE.pdf"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from shian.campaigns.models import Campaign
from shian.core import gbt9704 as g
from shian.reports import services
from shian.reports.choices import DocumentKind
from shian.reports.documents import draft as build_draft
from shian.reports.documents import resolve
from shian.reports.models import Document


class Command(BaseCommand):
    help = (
        "按数据生成公文（简报 bulletin、通报 circular、阶段总结 summary、自评报告 self-assessment、评审报告 review）。"
        "文字部分取该项目同类文件最近保存的文字，没有则用起草的默认文字。"
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=DocumentKind.values)
        parser.add_argument("--campaign", type=int, required=True, help="创建项目ID")
        parser.add_argument("--period", default="", help="期间：2024-05、2024-H1、2024")
        parser.add_argument("--round", type=int, help="调度轮次ID（通报）")
        parser.add_argument("--assessment", type=int, help="评审ID（自评报告/评审报告）")
        parser.add_argument("-o", "--output", required=True, help="输出文件 .docx 或 .pdf")

    def handle(self, kind, campaign, period, round, assessment, output, **options):
        out = Path(output)
        if out.suffix.lower() not in (".docx", ".pdf"):
            raise CommandError("输出文件须以 .docx 或 .pdf 结尾")
        camp = Campaign.objects.select_related("region", "office", "framework").filter(pk=campaign).first()
        if camp is None:
            raise CommandError(f"创建项目 {campaign} 不存在")
        rnd = None
        if round:
            rnd = camp.rounds.filter(pk=round).first()
            if rnd is None:
                raise CommandError(f"调度轮次 {round} 不存在或不属于该创建项目")
        period = services.resolve_period(kind, period, timezone.localdate())
        saved = (
            Document.objects.filter(
                campaign=camp, kind=kind, period=period, round=rnd, assessment_ref=assessment
            )
            .order_by("-updated_at")
            .first()
        )
        doc = saved or Document(
            campaign=camp,
            kind=kind,
            period=period,
            round=rnd,
            assessment_ref=assessment,
            issue_no=services.next_issue_no(camp, kind),
        )
        try:
            d = build_draft(doc)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        data = g.to_bytes(g.render(resolve(d, doc.narrative)))
        if out.suffix.lower() == ".pdf":
            data = services.docx_to_pdf(data)
            if data is None:
                raise CommandError("未安装 LibreOffice（soffice），无法生成 PDF；请改为 .docx")
        out.write_bytes(data)
        self.stdout.write(f"已生成：{out}（{doc.title or d.title}）")
