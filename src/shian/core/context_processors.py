"""Navigation shown in the base layout, filtered by role; entries whose pages don't exist yet are skipped."""

from django.urls import NoReverseMatch, reverse

from shian.organisation.choices import Role

ALL = None
UNITS = {Role.UNIT_HEAD, Role.LIAISON}
OFFICE = {Role.OFFICE, Role.ADMIN}
OVERSIGHT = {Role.OFFICE, Role.ADMIN, Role.LEADER}

# (label, url name, icon, roles that see it; None = everybody)
NAV = [
    ("首页", "home", "house", ALL),
    ("驾驶舱", "dashboard:leader", "speedometer2", OVERSIGHT),
    ("创建项目", "campaigns:campaign_list", "flag", OVERSIGHT | UNITS),
    ("评价细则", "framework:framework_list", "diagram-3", ALL),
    ("任务", "workplan:task_list", "list-check", OVERSIGHT | UNITS),
    ("调度", "dispatch:round_list", "calendar-check", OVERSIGHT | UNITS),
    ("佐证材料", "evidence:material_list", "folder2-open", OVERSIGHT | UNITS),
    ("评分", "scoring:assessment_list", "clipboard-check", ALL),
    ("问题整改", "rectification:problem_list", "tools", OVERSIGHT | UNITS),
    ("监管数据", "supervision:indicator_list", "bar-chart", OVERSIGHT | UNITS),
    ("主体库", "registry:business_list", "shop", OVERSIGHT | UNITS),
    ("明查暗访", "inspections:plan_list", "binoculars", OVERSIGHT),
    ("我的检查", "inspections:my_visits", "binoculars", UNITS | {Role.EXPERT}),
    ("公文报告", "reports:document_list", "file-earmark-text", OVERSIGHT),
    ("组织机构", "organisation:unit_list", "people", OVERSIGHT),
    ("审计日志", "core:audit_list", "journal-text", {Role.ADMIN}),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    role = Role.ADMIN if user.is_admin else user.role
    items = []
    path = request.path
    for label, url_name, icon, roles in NAV:
        if roles is not None and role not in roles:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        active = path == url if url == "/" else path.startswith(url)
        items.append({"label": label, "url": url, "icon": icon, "active": active})
    return {"nav_items": items}
