"""Demo 示范引领: four projects in the campaign, at every stage of the workflow, linked to the sample
framework's 示范引领 items where it has them."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from shian.framework.choices import CategoryKind
from shian.framework.models import ScoringItem
from shian.showcase import services
from shian.showcase.models import Project

PROJECTS = [
    (
        "“互联网+明厨亮灶”全覆盖",
        "smart",
        "县市场监管局",
        "在全县学校食堂、大中型餐馆推行“互联网+明厨亮灶”，接入县级智慧监管平台，AI识别违规行为自动预警。",
        "覆盖率由35%提升至98%，违规行为下降62%。",
        "AI抓拍与执法闭环联动，首创“预警—核查—处置—反馈”四步工作法。",
        "平台与设备标准统一，已在两个兄弟县区复制推广。",
        "approved",
    ),
    (
        "校园食品安全“校长陪餐+家长委员会”",
        "highlight",
        "县教育局",
        "全县中小学落实校长陪餐制度，家长委员会参与食堂监督和大宗食材采购。",
        "家长满意度达96%，校园食品安全投诉下降40%。",
        "家长代表随机进入后厨检查，结果在家校群公开。",
        "制度简单、成本低，可在各类学校直接推行。",
        "submitted",
    ),
    (
        "农村集体聚餐“一站式”备案服务",
        "governance",
        "县农业农村局",
        "村级食品安全协管员上门指导，聚餐备案网上办理，厨师健康证统一管理。",
        "",
        "",
        "",
        "draft",
    ),
    (
        "特色农产品食品安全全程追溯",
        "industry",
        "县商务局",
        "对本地特色农产品建立产地准出与市场准入衔接机制，扫码可查生产、检测、流通信息。",
        "追溯覆盖率达85%。",
        "“一品一码”贯通生产与销售环节。",
        "",
        "returned",
    ),
]


def populate(ctx) -> None:
    office = ctx.users["office"]
    campaign = ctx.campaign
    units = {u.short_name: u for u in ctx.member_units}
    bonus = list(
        ScoringItem.objects.filter(
            indicator__category__framework=campaign.framework, indicator__category__kind=CategoryKind.BONUS
        ).order_by("indicator__seq", "seq")
    )
    for i, (title, direction, unit_name, practice, results, innovation, replicable, status) in enumerate(
        PROJECTS
    ):
        lead = units.get(unit_name) or ctx.member_units[i]
        project = services.create_project(
            actor=office,
            campaign=campaign,
            title=title,
            direction=direction,
            lead_unit=lead,
            item=bonus[i % len(bonus)] if bonus else None,
            partners="县卫生健康局、各乡镇人民政府",
            practice=practice,
            results=results,
            innovation=innovation,
            replicability=replicable,
        )
        start = ctx.today - dt.timedelta(days=120)
        for k, step in enumerate(("方案印发", "试点运行", "全面推广", "总结评估")):
            m = services.add_milestone(
                project, actor=office, title=step, due_on=start + dt.timedelta(days=45 * k)
            )
            if k < (3 if status in ("approved", "submitted") else 1):
                services.complete_milestone(m, actor=office, done_on=m.due_on, note="按期完成")
        services.add_file(
            project,
            actor=office,
            upload=SimpleUploadedFile(f"{title}-实施方案.pdf", b"%PDF-1.4 demo\n%%EOF"),
            kind="evidence",
        )
        if status in ("approved", "submitted", "returned"):
            if status == "returned":
                services.update_project(
                    project,
                    actor=office,
                    expected_version=project.version,
                    replicability="已形成地方标准草案。",
                )
            project = Project.objects.get(pk=project.pk)
            services.submit_project(project, actor=office, expected_version=project.version)
        if status in ("approved", "returned"):
            project = Project.objects.get(pk=project.pk)
            services.review_project(
                project,
                actor=office,
                expected_version=project.version,
                approve=status == "approved",
                comment="做法可复制，建议答辩" if status == "approved" else "请补充成效数据和第三方评价",
                **(
                    {"score_targeted": 9, "score_innovative": 8, "score_exemplary": 9, "score_replicable": 8}
                    if status == "approved"
                    else {}
                ),
            )
