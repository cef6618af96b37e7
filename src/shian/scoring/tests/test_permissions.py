"""Scope: the other county's assessments are unreachable; an expert sees only their group's items."""

from decimal import Decimal

from shian.scoring import services
from shian.scoring.models import ExpertScore
from shian.scoring.tests.factories import expert, score


def _other_assessment(cast):
    return services.create_assessment(cast.other_campaign, actor=cast.other_office_user, title="盐亭自评")


def _mock_with_groups(cast):
    a = services.create_assessment(cast.campaign, actor=cast.office_user, kind="mock", title="模拟评审")
    other_expert = expert(cast, "expert_b")
    g1 = services.save_review_group(
        a, actor=cast.office_user, name="第一组", leader=cast.expert, items=[cast.items[0]]
    )
    g2 = services.save_review_group(
        a, actor=cast.office_user, name="第二组", leader=other_expert, items=[cast.items[1]]
    )
    score(cast, a, cast.items[0], 3)
    score(cast, a, cast.items[1], 2)
    return a, g1, g2, other_expert


def test_other_county_assessment_is_404_on_pages(cast, login):
    other = _other_assessment(cast)
    client = login(cast.office_user)
    for url in (
        f"/scoring/{other.pk}/",
        f"/scoring/{other.pk}/edit/",
        f"/scoring/{other.pk}/gates/",
        f"/scoring/{other.pk}/items/{cast.other_framework.test_items[0].pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/scoring/{other.pk}/lock/").status_code == 404
    assert client.post(f"/scoring/{other.pk}/to-problems/").status_code == 404
    assert "盐亭自评" not in client.get("/scoring/").content.decode()
    assert client.get(f"/scoring/gap/?campaign={cast.other_campaign.pk}").status_code == 404


def test_other_county_assessment_is_unreachable_by_api(cast, api):
    other = _other_assessment(cast)
    client = api(cast.office_user)
    assert client.get(f"/api/assessments/{other.pk}/").status_code == 404
    assert client.get(f"/api/assessments/{other.pk}/result/").status_code == 404
    resp = client.post(
        "/api/item-scores/",
        {"assessment": other.pk, "item": cast.other_framework.test_items[0].pk, "points": "1"},
        format="json",
    )
    assert resp.status_code == 400 and {"assessment", "item"} <= set(resp.json())  # not among the choices
    assert [a["id"] for a in client.get("/api/assessments/").json()["results"]] == []


def test_leader_and_units_read_but_cannot_score(cast, login, api):
    a = services.create_assessment(cast.campaign, actor=cast.office_user, title="自评")
    assert login(cast.leader).get(f"/scoring/{a.pk}/").status_code == 200
    assert login(cast.leader).get(f"/scoring/{a.pk}/items/{cast.items[1].pk}/").status_code == 404
    assert (
        login(cast.edu_liaison)
        .post(f"/scoring/{a.pk}/items/{cast.items[1].pk}/", {"points": "1"})
        .status_code
        == 404
    )
    assert (
        api(cast.leader)
        .post(
            "/api/item-scores/", {"assessment": a.pk, "item": cast.items[1].pk, "points": "1"}, format="json"
        )
        .status_code
        == 403
    )


def test_expert_sees_only_their_groups_items_on_pages(cast, login):
    a, g1, g2, _ = _mock_with_groups(cast)
    client = login(cast.expert)
    body = client.get(f"/scoring/{a.pk}/").content.decode()
    assert f'id="item-{cast.items[0].pk}"' in body
    assert f'id="item-{cast.items[1].pk}"' not in body
    assert client.get(f"/scoring/groups/{g1.pk}/").status_code == 200
    assert client.get(f"/scoring/groups/{g2.pk}/").status_code == 404
    assert client.get(f"/scoring/groups/{g1.pk}/items/{cast.items[1].pk}/").status_code == 404
    assert (
        client.post(
            f"/scoring/groups/{g2.pk}/items/{cast.items[1].pk}/", {"action": "score", "points": "1"}
        ).status_code
        == 404
    )
    assert client.get("/scoring/gap/").status_code == 403
    assert not ExpertScore.objects.exists()


def test_expert_sees_only_their_groups_items_by_api(cast, api):
    a, g1, g2, other_expert = _mock_with_groups(cast)
    client = api(cast.expert)
    items = {s["item"] for s in client.get(f"/api/item-scores/?assessment={a.pk}").json()["results"]}
    assert items == {cast.items[0].pk}
    assert {g["id"] for g in client.get("/api/review-groups/").json()["results"]} == {g1.pk}
    ok = client.post(
        "/api/expert-scores/", {"group": g1.pk, "item": cast.items[0].pk, "points": "3.5"}, format="json"
    )
    assert ok.status_code == 201, ok.content
    refused = client.post(
        "/api/expert-scores/", {"group": g1.pk, "item": cast.items[1].pk, "points": "1"}, format="json"
    )
    assert refused.status_code == 403
    assert (
        client.post(
            "/api/expert-scores/", {"group": g2.pk, "item": cast.items[1].pk, "points": "1"}, format="json"
        ).status_code
        == 404
    )
    services.submit_expert_score(g2, cast.items[1], actor=other_expert, points=Decimal("1"))
    assert {s["group"] for s in client.get("/api/expert-scores/").json()["results"]} == {g1.pk}
    # an expert changes no item scores directly
    score_id = client.get(f"/api/item-scores/?assessment={a.pk}").json()["results"][0]["id"]
    assert (
        client.patch(
            f"/api/item-scores/{score_id}/", {"points": "4", "version": 1}, format="json"
        ).status_code
        == 403
    )
    assert client.get(f"/api/gap/{a.pk}/").status_code == 403


def test_other_expert_leader_confirms_only_own_group(cast, api):
    a, g1, g2, other_expert = _mock_with_groups(cast)
    services.submit_expert_score(g1, cast.items[0], actor=cast.expert, points=Decimal("3"))
    client = api(other_expert)
    assert (
        client.post(
            f"/api/review-groups/{g1.pk}/confirm/", {"item": cast.items[0].pk, "points": "3"}, format="json"
        ).status_code
        == 404
    )
    no_version = api(cast.expert).post(
        f"/api/review-groups/{g1.pk}/confirm/", {"item": cast.items[0].pk, "points": "3"}, format="json"
    )
    assert no_version.status_code == 400  # the item was scored before: its version is needed
    version = a.scores.get(item=cast.items[0]).version
    ok = api(cast.expert).post(
        f"/api/review-groups/{g1.pk}/confirm/",
        {"item": cast.items[0].pk, "points": "3", "version": version},
        format="json",
    )
    assert ok.status_code == 200, ok.content


def test_interview_cannot_borrow_the_other_countys_group_unit_or_item(cast, api):
    a = services.create_assessment(cast.campaign, actor=cast.office_user, kind="mock", title="模拟评审")
    other = services.create_assessment(
        cast.other_campaign, actor=cast.other_office_user, kind="mock", title="盐亭"
    )
    other_group = services.save_review_group(other, actor=cast.other_office_user, name="盐亭组")
    client = api(cast.office_user)
    base = {"assessment": a.pk, "interviewee": "张三"}
    for extra, field in (
        ({"group": other_group.pk}, "group"),
        ({"unit": cast.other_edu.pk}, "unit"),
        ({"item": cast.other_framework.test_items[0].pk}, "item"),
    ):
        response = client.post("/api/interviews/", {**base, **extra}, format="json")
        assert response.status_code == 400, (field, response.content)
        assert field in response.json(), response.json()
    assert not a.interviews.exists()
    ok = client.post(
        "/api/interviews/", {**base, "unit": cast.edu.pk, "item": cast.items[0].pk}, format="json"
    )
    assert ok.status_code == 201, ok.content


def test_item_score_cites_only_this_campaigns_evidence(cast, api):
    from django.utils import timezone

    from shian.evidence.models import Material

    a = services.create_assessment(cast.campaign, actor=cast.office_user, title="自评")
    theirs = Material.objects.create(
        campaign=cast.other_campaign, unit=cast.other_edu, title="盐亭材料", submitted_at=timezone.now()
    )
    ours = Material.objects.create(
        campaign=cast.campaign,
        unit=cast.edu,
        item=cast.items[0],
        title="三台材料",
        submitted_at=timezone.now(),
    )
    client = api(cast.office_user)
    refused = client.post(
        "/api/item-scores/",
        {"assessment": a.pk, "item": cast.items[0].pk, "evidence_ids": [theirs.pk]},
        format="json",
    )
    assert refused.status_code == 400
    assert f"佐证材料编号{theirs.pk}不是本创建项目的佐证材料" in refused.content.decode()
    ok = client.post(
        "/api/item-scores/",
        {"assessment": a.pk, "item": cast.items[0].pk, "evidence_ids": [ours.pk]},
        format="json",
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["evidence_ids"] == [ours.pk]
