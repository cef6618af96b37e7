from shian.scoring.models import ItemScore
from shian.scoring.tests.factories import score, self_assessment


def test_office_creates_scores_and_locks_by_api(cast, api):
    client = api(cast.office_user)
    r = client.post(
        "/api/assessments/", {"campaign": cast.campaign.pk, "kind": "self", "title": "自评"}, format="json"
    )
    assert r.status_code == 201, r.content
    aid = r.json()["id"]
    item = cast.items[0]
    r = client.post(
        "/api/item-scores/",
        {
            "assessment": aid,
            "item": item.pk,
            "rules": [item.deductions.get().pk],
            "free_deductions": [{"description": "未专题研究", "points": 0.5}],
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["points"] == "1.50"
    assert {d["description"] for d in r.json()["deductions"]} == {"权重低于3%", "未专题研究"}
    bad = client.post(
        "/api/item-scores/", {"assessment": aid, "item": cast.items[1].pk, "points": "1.3"}, format="json"
    )
    assert bad.status_code == 400 and "步长" in str(bad.json())
    result = client.get(f"/api/assessments/{aid}/result/").json()
    assert result["base_total"] == 1.5 and result["outcome"] == "failed"  # key item 1.1 below 60%
    assert [k["code"] for k in result["key_failures"]] == ["1.1"]
    assert client.post(f"/api/assessments/{aid}/lock/", {"version": 99}, format="json").status_code == 409
    version = client.get(f"/api/assessments/{aid}/").json()["version"]
    assert (
        client.post(f"/api/assessments/{aid}/lock/", {"version": version}, format="json").status_code == 200
    )
    assert (
        client.post(f"/api/assessments/{aid}/lock/", {"version": version + 1}, format="json").status_code
        == 400
    )


def test_item_score_update_needs_current_version(cast, api):
    a = self_assessment(cast)
    s = score(cast, a, cast.items[1], 2)
    client = api(cast.office_user)
    assert client.patch(f"/api/item-scores/{s.pk}/", {"points": "1"}, format="json").status_code == 400
    assert (
        client.patch(
            f"/api/item-scores/{s.pk}/", {"points": "1", "version": s.version + 5}, format="json"
        ).status_code
        == 409
    )
    assert (
        client.patch(
            f"/api/item-scores/{s.pk}/", {"points": "1", "version": s.version}, format="json"
        ).status_code
        == 200
    )
    assert ItemScore.objects.get(pk=s.pk).points == 1


def test_veto_answer_and_gap_by_api(cast, api):
    a = self_assessment(cast)
    score(cast, a, cast.items[2], 2)
    client = api(cast.office_user)
    veto = client.get(f"/api/veto-answers/?assessment={a.pk}").json()["results"][0]
    r = client.patch(
        f"/api/veto-answers/{veto['id']}/",
        {
            "occurred": True,
            "evidence": "县内发生重大食物中毒",
            "override_reason": "事件尚未登记，经调查确认",
            "version": veto["version"],
        },
        format="json",
    )
    assert r.status_code == 200, r.content
    assert client.get(f"/api/assessments/{a.pk}/result/").json()["outcome"] == "failed"
    gap = client.get(f"/api/gap/{a.pk}/").json()
    assert gap["fix_first"][0]["code"] == "1.1"
    assert gap["fix_first"][0]["why"][0] == "尚未评分，失分4分（满分4）"


def test_to_problems_by_api(cast, api):
    a = self_assessment(cast)
    score(cast, a, cast.items[1], free_deductions=[("缺清单", "1")])
    r = api(cast.office_user).post(f"/api/assessments/{a.pk}/to-problems/")
    assert r.status_code == 200 and len(r.json()["created"]) == 1


def test_interviews_by_api(cast, api):
    from shian.scoring import services

    a = self_assessment(cast)
    office = api(cast.office_user)
    r = office.post(
        "/api/interviews/",
        {
            "assessment": a.pk,
            "interviewee": "李县长",
            "position": "县长",
            "score": "1.5",
            "max_score": "2",
            "questions": [{"question": "考核权重？", "answer": "4%"}],
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["questions"] == [{"seq": 1, "question": "考核权重？", "answer": "4%", "points": None}]
    # an expert outside any group of this assessment cannot record one
    resp = api(cast.expert).post("/api/interviews/", {"assessment": a.pk, "interviewee": "x"}, format="json")
    assert resp.status_code == 400 and "assessment" in resp.json()  # not among the expert's choices
    group = services.save_review_group(a, actor=cast.office_user, name="一组", leader=cast.expert)
    r = api(cast.expert).post(
        "/api/interviews/", {"assessment": a.pk, "group": group.pk, "interviewee": "周局长"}, format="json"
    )
    assert r.status_code == 201, r.content
    assert [i["interviewee"] for i in api(cast.expert).get("/api/interviews/").json()["results"]] == [
        "周局长"
    ]
