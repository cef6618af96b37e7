"""专项整治 in the 阶段工作总结 and the 工作简报: each campaign's target against the businesses done, as of the document's
date, counted from the records (a site recorded done after the date is not done yet; a campaign that
starts later, ended before the period or lies in another county is not there)."""

import datetime
import io

from docx import Document as open_docx

from shian.incidents.choices import SITE_DONE
from shian.incidents.models import SpecialCampaign, SpecialSite, SpecialTarget
from shian.registry.testing import make_business
from shian.reports import services

D = datetime.date
AS_OF = D(2026, 6, 30)  # the end of 2026-H1


def _special(region, title, kind, starts, ends, sites=(), target=None, township=None):
    campaign = SpecialCampaign.objects.create(
        region=region, title=title, kind=kind, starts_on=starts, ends_on=ends, status="active"
    )
    if target:
        SpecialTarget.objects.create(campaign=campaign, township=township, target=target)
    for n, (status, checked_on) in enumerate(sites):
        business = make_business(township or region, 100 * campaign.pk + n)
        SpecialSite.objects.create(campaign=campaign, business=business, status=status, checked_on=checked_on)
    return campaign


def _recount(region, start, end):
    """The figures read straight from the rows, in Python."""
    out = []
    for c in SpecialCampaign.objects.order_by("starts_on", "id"):
        if not c.region.path.startswith(region.path) or c.starts_on > end or c.ends_on < start:
            continue
        sites = list(c.sites.all())
        out.append(
            {
                "title": c.title,
                "target": sum(t.target for t in c.targets.all()),
                "covered": len(sites),
                "done": sum(
                    1 for s in sites if s.status in SITE_DONE and s.checked_on and s.checked_on <= end
                ),
            }
        )
    return out


def _four_campaigns(cast):
    """Two under way in 2026-H1 in the county, one starting later, one of 2025, one in another county."""
    town = cast.town
    small = _special(
        cast.county,
        "“三小”专项整治",
        "small_three",
        D(2026, 3, 1),
        D(2026, 12, 31),
        sites=[
            ("passed", D(2026, 4, 10)),
            ("banned", D(2026, 6, 30)),  # on the day: done
            ("passed", D(2026, 7, 2)),  # recorded done after the document's date: not done yet
            ("rectifying", D(2026, 5, 2)),
            ("pending", None),
        ],
        target=4,
        township=town,
    )
    _special(
        cast.county,
        "校园及周边食品安全专项整治",
        "school",
        D(2026, 4, 1),
        D(2026, 9, 30),
        sites=[("passed", D(2026, 6, 1)), ("pending", None)],
        township=town,
    )
    _special(
        cast.county,
        "醇基燃料专项整治",
        "alcohol_fuel",
        D(2026, 8, 1),
        D(2026, 10, 31),
        target=9,
        township=town,
    )
    _special(
        cast.county, "2025年农贸市场升级", "market", D(2025, 3, 1), D(2025, 12, 31), target=5, township=town
    )
    _special(cast.other_county, "盐亭县农村集体聚餐专项整治", "rural_banquet", D(2026, 1, 1), D(2026, 12, 31))
    return small


def test_the_summary_states_each_special_campaigns_target_and_done_as_of_its_date(cast):
    small = _four_campaigns(cast)
    doc = services.create_document(cast.campaign, "summary", actor=cast.office_user, period="2026-H1")
    draft, data = services.render(doc)
    text = "\n".join(p.text for p in open_docx(io.BytesIO(data)).paragraphs)

    expected = _recount(cast.county, D(2026, 1, 1), AS_OF)
    assert [(r["title"], r["target"], r["covered"], r["done"]) for r in expected] == [
        ("“三小”专项整治", 4, 5, 2),
        ("校园及周边食品安全专项整治", 0, 2, 1),
    ]
    assert [
        {k: r[k] for k in ("title", "target", "covered", "done")} for r in draft.figures["special_campaigns"]
    ] == expected
    assert (
        "深入开展专项整治。截至2026年6月30日，全县开展专项整治2项："
        "“三小”专项整治目标整治4户、已完成2户，完成率50%；"
        "校园及周边食品安全专项整治纳入整治2户、已完成1户。"
    ) in text
    assert "醇基燃料" not in text and "农贸市场升级" not in text and "盐亭县" not in text
    # under 过程监管
    process = text.index("坚持过程监管")
    assert process < text.index("深入开展专项整治") < text.index("存在的问题")

    # the late site's record is the only thing between "not yet" and "done": move it and the figure moves
    SpecialSite.objects.filter(campaign=small, checked_on=D(2026, 7, 2)).update(checked_on=D(2026, 6, 29))
    draft, _data = services.render(doc)
    assert draft.figures["special_campaigns"][0]["done"] == 3


def test_the_summary_says_nothing_of_special_campaigns_when_there_are_none(cast):
    doc = services.create_document(cast.campaign, "summary", actor=cast.office_user, period="2026-H1")
    draft, data = services.render(doc)
    text = "\n".join(p.text for p in open_docx(io.BytesIO(data)).paragraphs)
    assert "专项整治" not in text and "special_campaigns" not in draft.figures


def test_the_bulletin_states_them_as_of_the_end_of_its_month(cast):
    _four_campaigns(cast)
    doc = services.create_document(
        cast.campaign, "bulletin", actor=cast.office_user, period="2026-05", issued_on=D(2026, 6, 3)
    )
    draft, data = services.render(doc)
    text = "\n".join(p.text for p in open_docx(io.BytesIO(data)).paragraphs)
    expected = _recount(cast.county, D(2026, 5, 1), D(2026, 5, 31))
    assert [(r["title"], r["target"], r["covered"], r["done"]) for r in expected] == [
        ("“三小”专项整治", 4, 5, 1),
        ("校园及周边食品安全专项整治", 0, 2, 0),
    ]
    assert [
        {k: r[k] for k in ("title", "target", "covered", "done")} for r in draft.figures["special_campaigns"]
    ] == expected
    assert "专项整治推进情况" in text
    assert (
        "截至2026年5月31日，全县开展专项整治2项："
        "“三小”专项整治目标整治4户、已完成1户，完成率25%；"
        "校园及周边食品安全专项整治纳入整治2户、已完成0户。"
    ) in text
    assert "醇基燃料" not in text and "盐亭县" not in text
