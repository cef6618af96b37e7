from decimal import Decimal

from shian.scoring import services
from shian.scoring.models import Assessment, ItemScore
from shian.scoring.tests.factories import expert, score, self_assessment


def test_office_creates_assessment_with_veto_questions(cast, login):
    client = login(cast.office_user)
    response = client.post(
        "/scoring/add/", {"campaign": cast.campaign.pk, "kind": "self", "title": "", "held_on": "2026-10-01"}
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    a = Assessment.objects.get()
    assert a.title == "三台县自评（2026年10月）"
    assert a.vetoes.count() == 1


def test_office_scores_item_with_deduction_on_page(cast, login):
    a = self_assessment(cast)
    client = login(cast.office_user)
    item = cast.items[0]
    url = f"/scoring/{a.pk}/items/{item.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "rules": [item.deductions.get().pk],
            "free_deductions": "未专题研究|0.5",
            "methods": ["documents"],
            "note": "见考核办法",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    s = ItemScore.objects.get(assessment=a, item=item)
    assert s.points == Decimal("1.5")
    body = client.get(f"/scoring/{a.pk}/").content.decode()
    assert "权重低于3%（−2）" in body and "扣分转整改问题（2）" in body


def test_bad_free_deduction_names_the_line(cast, login):
    a = self_assessment(cast)
    response = login(cast.office_user).post(
        f"/scoring/{a.pk}/items/{cast.items[1].pk}/", {"free_deductions": "缺清单|0.5\n没有分隔符"}
    )
    assert response.status_code == 400
    assert "第2行“没有分隔符”" in response.content.decode()


def test_points_off_step_are_refused_on_page(cast, login):
    a = self_assessment(cast)
    response = login(cast.office_user).post(f"/scoring/{a.pk}/items/{cast.items[1].pk}/", {"points": "1.3"})
    assert response.status_code == 400
    assert "须按0.5分的步长计分" in response.content.decode()


def test_stale_score_edit_is_refused(cast, login):
    a = self_assessment(cast)
    s = score(cast, a, cast.items[1], 2)
    score(cast, a, cast.items[1], 1)
    response = login(cast.office_user).post(
        f"/scoring/{a.pk}/items/{cast.items[1].pk}/", {"points": "1.5", "edit_version": s.version}
    )
    assert response.status_code == 409


def test_gates_page_saves_veto_and_survey(cast, login):
    a = self_assessment(cast)
    veto = a.vetoes.get()
    response = login(cast.office_user).post(
        f"/scoring/{a.pk}/gates/",
        {
            f"veto-{veto.pk}": "no",
            f"evidence-{veto.pk}": "经查无重大事故",
            f"version-{veto.pk}": veto.version,
            "satisfaction": "0.65",
            "edit_version": a.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    a.refresh_from_db()
    result = services.assessment_result(a)
    survey = next(g for g in result.gates if g.name == "群众满意度")
    assert survey.passed is False and "测评结果65%，低于门槛70%" == survey.reason


def test_lock_makes_pages_read_only(cast, login):
    a = self_assessment(cast)
    client = login(cast.office_user)
    client.post(f"/scoring/{a.pk}/lock/")
    a.refresh_from_db()
    assert a.status != "locked"  # no version: refused
    assert client.post(f"/scoring/{a.pk}/lock/", {"version": a.version}).status_code == 302
    body = client.get(f"/scoring/{a.pk}/").content.decode()
    assert "已签署锁定" in body and f"/scoring/{a.pk}/items/" not in body
    assert client.get(f"/scoring/{a.pk}/items/{cast.items[1].pk}/").status_code == 403
    assert client.post(f"/scoring/{a.pk}/items/{cast.items[1].pk}/", {"points": "1"}).status_code == 403
    assert client.post(f"/scoring/{a.pk}/gates/", {}).status_code == 403


def test_compare_and_gap_pages(cast, login):
    a = self_assessment(cast)
    b = services.create_assessment(cast.campaign, actor=cast.office_user, kind="mock", title="模拟评审")
    score(cast, a, cast.items[1], 1)
    score(cast, b, cast.items[1], 2)
    client = login(cast.office_user)
    body = client.get(f"/scoring/compare/?ids={a.pk}&ids={b.pk}").content.decode()
    assert "+1" in body
    body = client.get(f"/scoring/gap/?campaign={cast.campaign.pk}").content.decode()
    assert 'id="fix-first"' in body and "data-chart-url" in body
    chart = client.get(f"/scoring/gap/chart/?campaign={cast.campaign.pk}").json()
    assert chart["yAxis"]["data"] == ["基础工作", "能力建设", "示范引领"]
    assert chart["series"][0]["data"][0] == 1.0
    xlsx = client.get(f"/scoring/gap/?campaign={cast.campaign.pk}&export=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")


def test_expert_scores_and_leader_confirms_on_pages(cast, login):
    a = services.create_assessment(cast.campaign, actor=cast.office_user, kind="mock", title="模拟评审")
    e2 = expert(cast, "expert2")
    group = services.save_review_group(
        a, actor=cast.office_user, name="第一组", leader=cast.expert, members=[e2], items=[cast.items[0]]
    )
    url = f"/scoring/groups/{group.pk}/items/{cast.items[0].pk}/"
    assert login(e2).post(url, {"action": "score", "points": "2"}).status_code == 302
    client = login(cast.expert)
    assert client.post(url, {"action": "score", "points": "3"}).status_code == 302
    body = client.get(url).content.decode()
    assert "极差 <strong>1</strong>" in body
    assert (
        client.post(url, {"action": "confirm", "points": "2.5", "deduction_text": "权重不足"}).status_code
        == 302
    )
    assert ItemScore.objects.get(assessment=a, item=cast.items[0]).points == Decimal("2.5")


def test_interview_page_records_questions(cast, login):
    a = self_assessment(cast)
    response = login(cast.office_user).post(
        f"/scoring/{a.pk}/interviews/add/",
        {
            "interviewee": "李县长",
            "position": "县长",
            "score": "1.5",
            "max_score": "2",
            "q-TOTAL_FORMS": "1",
            "q-INITIAL_FORMS": "0",
            "q-MIN_NUM_FORMS": "0",
            "q-MAX_NUM_FORMS": "1000",
            "q-0-question": "本县食品安全工作考核权重是多少？",
            "q-0-answer": "4%",
            "q-0-points": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert a.interviews.get().questions.get().answer == "4%"


def test_assessment_list_bounded_queries(cast, login, django_assert_max_num_queries):
    for i in range(15):
        a = services.create_assessment(cast.campaign, actor=cast.office_user, title=f"评审{i}")
        score(cast, a, cast.items[1], 1)
    client = login(cast.office_user)
    with django_assert_max_num_queries(12):
        response = client.get("/scoring/")
    assert response.status_code == 200
    assert response.content.decode().count("评审1") >= 1


def test_assessment_detail_bounded_queries(cast, login, django_assert_max_num_queries):
    a = self_assessment(cast)
    for item in cast.items:
        score(cast, a, item, free_deductions=[("扣分", "1")])
    client = login(cast.office_user)
    with django_assert_max_num_queries(25):
        assert client.get(f"/scoring/{a.pk}/").status_code == 200


def test_score_links_evidence_materials_of_the_item(cast, login):
    from django.utils import timezone

    from shian.evidence.models import Material

    m = Material.objects.create(
        campaign=cast.campaign,
        item=cast.items[1],
        unit=cast.edu,
        title="学校食堂食品安全管理责任清单（2026）",
        submitted_at=timezone.now(),
    )
    Material.objects.create(
        campaign=cast.campaign,
        item=cast.items[2],
        unit=cast.market,
        title="年度食品安全抽检实施方案",
        submitted_at=timezone.now(),
    )
    a = self_assessment(cast)
    client = login(cast.office_user)
    url = f"/scoring/{a.pk}/items/{cast.items[1].pk}/"
    body = client.get(url).content.decode()
    assert "学校食堂食品安全管理责任清单（2026）" in body and "年度食品安全抽检实施方案" not in body
    assert client.post(url, {"points": "2", "evidence_ids": [str(m.pk)]}).status_code == 302
    assert ItemScore.objects.get(assessment=a, item=cast.items[1]).evidence_ids == [m.pk]
    body = client.get(url).content.decode()
    assert f'href="/evidence/{m.pk}/"' in body
    assert "本次评分已查阅" in body


def test_expert_score_page_renders_methods_as_plain_checkboxes(cast, login):
    import re

    a = services.create_assessment(cast.campaign, actor=cast.office_user, kind="mock", title="模拟评审")
    group = services.save_review_group(
        a, actor=cast.office_user, name="第一组", leader=cast.expert, items=[cast.items[0]]
    )
    body = login(cast.expert).get(f"/scoring/groups/{group.pk}/items/{cast.items[0].pk}/").content.decode()
    boxes = re.findall(r'<input[^>]*name="methods"[^>]*>', body)
    assert len(boxes) == 5
    assert not [b for b in boxes if "form-select" in b or "form-control" in b]


def test_interview_pages_for_readers_are_read_only(cast, login):
    a = self_assessment(cast)
    i = services.save_interview(
        a,
        actor=cast.office_user,
        interviewee="李县长",
        position="县长",
        questions=[("食品安全工作占考核权重多少？", "4%", None)],
    )
    for user in (cast.leader, cast.edu_liaison):
        client = login(user)
        detail = client.get(f"/scoring/{a.pk}/").content.decode()
        assert "新建访谈记录" not in detail
        assert client.get(f"/scoring/{a.pk}/interviews/add/").status_code == 403
        page = client.get(f"/scoring/interviews/{i.pk}/")
        assert page.status_code == 200
        body = page.content.decode()
        assert "4%" in body and ">保存</button>" not in body and "disabled" in body
        assert client.post(f"/scoring/interviews/{i.pk}/", {"interviewee": "改名"}).status_code == 403
    i.refresh_from_db()
    assert i.interviewee == "李县长"
    assert "新建访谈记录" in login(cast.office_user).get(f"/scoring/{a.pk}/").content.decode()
    assert ">保存</button>" in login(cast.office_user).get(f"/scoring/interviews/{i.pk}/").content.decode()


def test_leader_confirm_form_is_prefilled_only_when_experts_agree(cast, login):
    a = services.create_assessment(cast.campaign, actor=cast.office_user, kind="mock", title="模拟评审")
    e2 = expert(cast, "expert2")
    group = services.save_review_group(
        a, actor=cast.office_user, name="第一组", leader=cast.expert, members=[e2], items=[cast.items[0]]
    )
    url = f"/scoring/groups/{group.pk}/items/{cast.items[0].pk}/"
    services.submit_expert_score(group, cast.items[0], actor=cast.expert, points=Decimal("3"))
    services.submit_expert_score(group, cast.items[0], actor=e2, points=Decimal("3"))
    client = login(cast.expert)
    assert client.get(url).context["confirm_form"].initial == {"points": Decimal("3")}
    services.submit_expert_score(group, cast.items[0], actor=e2, points=Decimal("2.5"))
    assert client.get(url).context["confirm_form"].initial == {}
