"""The main menu: entries of one group share a dropdown where the first of them stands; a group of one is
a plain entry; the bar fits at 1366 px for the office (checked in the browser test of the site)."""

from shian.core.registry import navigation


def test_groups_share_a_dropdown_and_keep_their_order(cast):
    office = navigation(cast.office_user, "/stewardship/")
    labels = [i["label"] for i in office]
    assert "现场" in labels and "主体库" not in labels and "包保干部" not in labels
    field = next(i for i in office if i["label"] == "现场")
    assert [c["label"] for c in field["children"]] == ["主体库", "包保干部", "明查暗访"]
    assert field["active"] and [c["active"] for c in field["children"]] == [False, True, False]
    assert labels.index("现场") > labels.index("问题整改")
    assert len(office) <= 14


def test_a_group_of_one_is_a_plain_entry(cast):
    liaison = navigation(cast.edu_liaison, "/")
    for item in liaison:
        assert item.get("children") is None or len(item["children"]) > 1, item
    admin = navigation(cast.admin, "/core/audit/")
    system = next(i for i in admin if i["label"] == "系统管理")
    assert {"组织机构", "审计日志", "登录锁定"} <= {c["label"] for c in system["children"]}


def test_a_business_account_sees_only_its_own_entry(cast):
    """A 企业账号 gets no "everybody" entry (首页, 佐证材料, 评价细则 …): only its business's page."""
    assert [i["label"] for i in navigation(cast.business_user, "/")] == ["本企业主体责任"]
