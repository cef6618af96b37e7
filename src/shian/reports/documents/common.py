"""Names and dates every document uses, derived from the campaign."""

from django.utils import timezone

from shian.core import gbt9704 as g


def office_name(campaign) -> str:
    if campaign.office_id:
        return campaign.office.name
    return f"{campaign.region.name}食品安全委员会办公室"


def level_word(region) -> str:
    """县 / 市 / 区: how a county's own documents refer to it (县食安委, 市食安办 …)."""
    for ch in ("县", "区", "市", "州", "旗"):
        if region.name.endswith(ch):
            return ch
    return ""


def agency_code(campaign) -> str:
    """机关代字 of the office: 安澜县 → 安食安办."""
    return f"{campaign.region.name[:1]}食安办"


def addressee(campaign) -> str:
    from shian.organisation.choices import UnitKind
    from shian.organisation.models import Unit

    region = campaign.region
    units = Unit.objects.filter(region__path__startswith=region.path, is_active=True)
    parts = []
    townships = list(units.filter(kind=UnitKind.TOWNSHIP).values_list("name", flat=True))
    if townships:
        has_street = any(n.endswith("办事处") for n in townships)
        parts.append("各乡镇人民政府、街道办事处" if has_street else "各乡镇人民政府")
    if units.filter(kind=UnitKind.MEMBER).exists():
        parts.append(f"{level_word(region)}食安委各成员单位")
    return "，".join(parts) or "各有关单位"


def campaign_goal(campaign) -> str:
    """创建国家食品安全示范城市 / 创建省级食品安全示范县."""
    return f"创建{campaign.get_level_display()}" if campaign.level != "re_review" else "食品安全示范创建复审"


def issue_date(doc):
    return doc.issued_on or timezone.localdate()


def date_cn(d) -> str:
    return g.format_date_cn(d)


def framework_cite(framework) -> str:
    """The criteria cited as offices do: 《国家食品安全示范城市评价细则（2023版）》, the edition
    only when the name does not already carry it (no "（示例）（示例版）")."""
    name = framework.name.strip().strip("《》")
    label = (framework.version_label or "").strip().strip("（）()")
    core = label.removesuffix("版")
    if label and core and core not in name:
        name += f"（{label}）"
    return f"《{name}》"


def copy_to(campaign) -> str:
    """抄送 of the office's 通报: the level above's 食安办 and the county's leaders (who are not told to act)."""
    region, lw = campaign.region, level_word(campaign.region)
    above = f"{region.parent.name}食安办，" if region.parent_id else ""
    return f"{above}{lw}委、{lw}政府领导"
