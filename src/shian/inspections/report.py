"""The review report's 现场检查 section, written from the visits (as the provincial reports phrase it:
“现场检查共抽查120个点位，其中明查…6个街道，覆盖16类单位80个点位；暗访…”)."""

from collections import Counter

from shian.inspections.choices import Mode, Result, Stage, VisitStatus

STAGE_OF_KIND = {"self": Stage.SELF, "mock": Stage.MOCK}


def onsite_text(campaign, assessment_kind="mock") -> str:
    """One paragraph per the campaign's plans of the assessment's stage; "" when nothing was visited."""
    from shian.inspections.models import Visit, VisitAnswer

    stage = STAGE_OF_KIND.get(assessment_kind, Stage.REVIEW)
    visits = list(
        Visit.objects.filter(
            plan__campaign=campaign, plan__stage=stage, status=VisitStatus.SUBMITTED, parent__isnull=True
        ).select_related("plan", "business__category", "business__region")
    )
    if not visits:
        return ""
    parts = []
    for mode in (Mode.OPEN, Mode.COVERT):
        vs = [v for v in visits if v.plan.mode == mode]
        if not vs:
            continue
        towns = {v.business.region.name for v in vs}
        cats = {v.business.category.name for v in vs}
        scores = [v.score for v in vs if v.score is not None]
        avg = f"，平均得分{sum(scores) / len(scores):.1f}分" if scores else ""
        parts.append(
            f"{Mode(mode).label}{len(towns)}个乡镇（街道），覆盖{len(cats)}类单位{len(vs)}个点位{avg}"
        )
    text = f"现场检查共抽查{len(visits)}个点位，其中" + "；".join(parts) + "。"
    fails = VisitAnswer.objects.filter(visit__in=visits, result=Result.FAIL).select_related(
        "item", "visit__business__category"
    )
    by_cat = Counter(a.visit.business.category.name for a in fails)
    if by_cat:
        lines = []
        for cat, n in by_cat.most_common(5):
            items = Counter(a.item.text for a in fails if a.visit.business.category.name == cat)
            top = "；".join(t.rstrip("。") for t, _ in items.most_common(2))
            lines.append(f"{cat}{n}处（{top}）")
        text += "\n发现的主要问题：" + "，".join(lines) + "。"
    return text
