"""Demo evidence: a few dozen small generated Word files in every review state, so the
completeness matrix shows every colour (missing, uploaded, approved, returned, out of period),
plus one duplicate, one empty file and one material waiting for its requirement to be confirmed."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from shian.evidence import services
from shian.evidence.models import Material
from shian.evidence.tasks import extract_material
from shian.framework.choices import MaterialPeriod, UnitRole
from shian.framework.models import ItemUnit, MaterialRequirement
from shian.organisation.choices import Role

MAX_REQUIREMENTS = 40
RETURN_REASONS = [
    "缺少盖章页，请上传加盖公章的扫描件",
    "文号与正文不一致，请核对后重新上传",
    "会议纪要未体现研究食品安全议题",
    "附件不全，缺少指标分解表",
    "材料为草稿版本，请上传正式印发稿",
]
ISSUERS = {"县食安办": "安澜县食品安全委员会办公室"}


def _docx(title: str, unit_name: str, date: datetime.date, body: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(title, level=1)
    document.add_paragraph(body)
    document.add_paragraph(f"一、{title}由{unit_name}负责组织实施，明确责任分工和完成时限。")
    document.add_paragraph("二、各乡镇（街道）、各有关部门要高度重视，按要求报送工作进展和佐证材料。")
    document.add_paragraph(unit_name)
    document.add_paragraph(f"{date.year}年{date.month}月{date.day}日")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _ensure_requirements(ctx):
    reqs = list(
        MaterialRequirement.objects.filter(item__indicator__category__framework=ctx.framework)
        .select_related("item__indicator", "provider")
        .order_by("item__indicator__category__seq", "item__indicator__seq", "item__seq", "seq")
    )
    if len(reqs) >= 10:
        return reqs[:MAX_REQUIREMENTS]
    # A framework without a 材料清单: give its first items one requirement each.
    periods = [
        MaterialPeriod.CURRENT_YEAR,
        MaterialPeriod.LAST_YEARS,
        MaterialPeriod.SINCE_CAMPAIGN,
        MaterialPeriod.ANY,
    ]
    for n, item in enumerate(ctx.framework.items().select_related("indicator")[:20]):
        if item.materials.exists():
            continue
        reqs.append(
            MaterialRequirement.objects.create(
                item=item,
                seq=1,
                name=f"{item.content[:24].rstrip('，。；')}相关文件",
                period=periods[n % 4],
                period_years=3 if periods[n % 4] == MaterialPeriod.LAST_YEARS else None,
            )
        )
    return reqs[:MAX_REQUIREMENTS]


def populate(ctx) -> None:
    rng = ctx.rng
    office_user = ctx.users["office"]
    reqs = _ensure_requirements(ctx)
    if not reqs:
        return
    leads = {
        a.item_id: a.unit
        for a in ItemUnit.objects.filter(
            item__in=[r.item_id for r in reqs], role=UnitRole.LEAD
        ).select_related("unit")
    }
    liaisons = {}
    for user in ctx.users.values():
        if user.role == Role.LIAISON and user.unit_id:
            liaisons.setdefault(user.unit_id, user)

    def upload(req, unit, title, content, doc_date, **kwargs):
        actor = liaisons.get(unit.pk, office_user)
        (m,) = services.upload_materials(
            ctx.campaign,
            [SimpleUploadedFile(f"{title}.docx", content)],
            actor=actor,
            requirement=req,
            unit=unit if actor.is_office else None,
            title=title,
            doc_date=doc_date,
            issuer=ISSUERS.get(unit.short_name, unit.name),
            extract=False,
            **kwargs,
        )
        extract_material(m.pk)
        return Material.objects.get(pk=m.pk)

    states = ["approved"] * 14 + ["pending"] * 10 + ["returned"] * 5 + ["out_of_period"] * 4 + ["missing"] * 7
    rng.shuffle(states)
    year = ctx.today.year
    duplicated = False
    for n, req in enumerate(reqs):
        state = states[n % len(states)]
        unit = req.provider or leads.get(req.item_id) or ctx.office
        if state == "missing":
            continue
        if state == "out_of_period" and req.period == MaterialPeriod.ANY:
            state = "pending"
        doc_date = ctx.today - datetime.timedelta(days=rng.randint(5, 90))
        if doc_date.year != year:
            doc_date = datetime.date(year, 1, rng.randint(2, 20))
        if state == "out_of_period":
            doc_date = datetime.date(year - 6, rng.randint(1, 12), rng.randint(1, 28))
        title = f"{req.name[:40]}（{unit.short_name or unit.name}）"
        body = f"为贯彻落实{ctx.campaign.name}工作要求，根据评价细则“{req.item.content[:60]}”，现将{req.name}报送如下。"
        number = f"安{(unit.short_name or '县')[1:3]}〔{doc_date.year}〕{rng.randint(1, 60)}号"
        m = upload(req, unit, title, _docx(title, unit.name, doc_date, body), doc_date, doc_number=number)
        if state == "approved":
            services.approve_material(m, actor=office_user, expected_version=m.version)
        elif state == "returned":
            services.return_material(
                m, rng.choice(RETURN_REASONS), actor=office_user, expected_version=m.version
            )
        if (
            not duplicated and n >= 3
        ):  # the same file filed again under another requirement: flagged as a duplicate
            with m.current.file.open("rb") as fh:
                content = fh.read()
            other = reqs[min(n + 7, len(reqs) - 1)]
            upload(other, unit, f"{title}（重复上传）", content, doc_date)
            duplicated = True
    # One file without a requirement (the system suggests one) and one empty file.
    req = reqs[1]
    unit = req.provider or leads.get(req.item_id) or ctx.office
    text_title = f"关于{req.name[:30]}的情况报告"
    actor = liaisons.get(unit.pk, office_user)
    (m,) = services.upload_materials(
        ctx.campaign,
        [SimpleUploadedFile(f"{text_title}.docx", _docx(text_title, unit.name, ctx.today, req.item.content))],
        actor=actor,
        unit=unit if actor.is_office else None,
        extract=False,
    )
    extract_material(m.pk)
    (m,) = services.upload_materials(
        ctx.campaign,
        [SimpleUploadedFile("扫描件（空白）.pdf", b"")],
        actor=office_user,
        requirement=reqs[-1],
        unit=ctx.office,
        extract=False,
    )
    extract_material(m.pk)
