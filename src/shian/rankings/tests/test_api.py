"""API: the same rules as the pages — scope, office-only writes, drafts hidden from units, appeals by
the ranked unit, decisions by the uninvolved."""

import pytest

from shian.organisation.models import User
from shian.rankings.models import Appeal, Interview, RankingRun, RankingScheme
from shian.rankings.signals import register_signal


@pytest.fixture
def scheme(cast):
    register_signal("test_api", "测试", "any", lambda c, s, e: {cast.edu.pk: 90, cast.market.pk: 10})
    return RankingScheme.objects.create(
        campaign=cast.campaign, name="月度排名", weights={"test_api": 1}, red_count=1, black_count=1
    )


@pytest.fixture
def second_office(cast):
    return User.objects.create_user(
        username="office2", password=cast.password, unit=cast.office, role="office", name="孙副主任"
    )


def _ids(resp):
    data = resp.json()
    return [r["id"] for r in (data["results"] if isinstance(data, dict) else data)]


def test_schemes_are_scoped_and_written_by_the_office_only(cast, api, scheme):
    assert _ids(api(cast.edu_liaison).get("/api/ranking-schemes/")) == [scheme.pk]
    assert _ids(api(cast.other_office_user).get("/api/ranking-schemes/")) == []
    assert api(cast.other_office_user).get(f"/api/ranking-schemes/{scheme.pk}/").status_code == 404
    body = {
        "campaign": cast.campaign.pk,
        "name": "乡镇季度榜",
        "subject_kind": "township",
        "period_kind": "quarter",
        "weights": {"inspection_score": 2, "survey_satisfaction": 1},
        "normalisation": {"inspection_score": "minmax"},
    }
    assert api(cast.edu_liaison).post("/api/ranking-schemes/", body, format="json").status_code == 403
    assert api(cast.other_office_user).post("/api/ranking-schemes/", body, format="json").status_code in (
        400,
        403,
    )
    resp = api(cast.office_user).post("/api/ranking-schemes/", body, format="json")
    assert resp.status_code == 201, resp.content
    assert RankingScheme.objects.get(pk=resp.json()["id"]).normalisation == {"inspection_score": "minmax"}
    bad = {**body, "weights": {"no_such_signal": 1}}
    assert api(cast.office_user).post("/api/ranking-schemes/", bad, format="json").status_code == 400
    patch = {"name": "改名", "version": scheme.version}
    assert api(cast.edu_liaison).patch(
        f"/api/ranking-schemes/{scheme.pk}/", patch, format="json"
    ).status_code in (403, 404)
    assert (
        api(cast.office_user).patch(f"/api/ranking-schemes/{scheme.pk}/", patch, format="json").status_code
        == 200
    )


def test_compute_publish_entries_and_drafts_hidden_from_units(cast, api, scheme):
    url = f"/api/ranking-schemes/{scheme.pk}/compute/"
    assert api(cast.edu_liaison).post(url, {"period": "2026-05"}, format="json").status_code == 403
    assert api(cast.office_user).post(url, {"period": "bad"}, format="json").status_code == 400
    resp = api(cast.office_user).post(url, {"period": "2026-05"}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "draft"
    run_id = resp.json()["id"]
    assert api(cast.edu_liaison).get(f"/api/ranking-runs/{run_id}/").status_code == 404
    assert _ids(api(cast.edu_liaison).get("/api/ranking-runs/")) == []
    adjust = {"unit": cast.market.pk, "points": "5", "reason": "表彰"}
    assert (
        api(cast.office_user).post(f"/api/ranking-runs/{run_id}/adjust/", adjust, format="json").status_code
        == 200
    )
    publish = f"/api/ranking-runs/{run_id}/publish/"
    version = RankingRun.objects.get(pk=run_id).version
    assert api(cast.leader).post(publish, {"version": version}, format="json").status_code in (403, 404)
    resp = api(cast.office_user).post(publish, {"version": version}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "published"
    assert resp.json()["red"] == ["教育局"] and resp.json()["black"] == ["市场监管局"]
    entries = api(cast.edu_liaison).get(f"/api/ranking-runs/{run_id}/entries/").json()
    market = next(e for e in entries if e["unit"] == "市场监管局")
    assert (market["base"], market["adjust"], market["score"]) == (10.0, 5.0, 15.0)
    assert api(cast.other_office_user).get(f"/api/ranking-runs/{run_id}/entries/").status_code == 404
    assert (
        api(cast.office_user).post(f"/api/ranking-runs/{run_id}/adjust/", adjust, format="json").status_code
        == 400
    )


def test_appeals_by_the_right_people_only(cast, api, scheme, second_office):
    run = (
        api(cast.office_user)
        .post(f"/api/ranking-schemes/{scheme.pk}/compute/", {"period": "2026-05"}, format="json")
        .json()
    )
    api(cast.office_user).post(
        f"/api/ranking-runs/{run['id']}/publish/", {"version": run["version"]}, format="json"
    )
    url = f"/api/ranking-runs/{run['id']}/appeal/"
    for who in (cast.office_user, cast.leader, cast.town_liaison):
        assert api(who).post(url, {"reason": "不服"}, format="json").status_code == 403
    assert api(cast.other_liaison).post(url, {"reason": "不服"}, format="json").status_code == 404
    resp = api(cast.market_liaison).post(url, {"reason": "数据有误"}, format="json")
    assert resp.status_code == 201
    appeal = Appeal.objects.get()
    assert _ids(api(cast.market_liaison).get("/api/ranking-appeals/")) == [appeal.pk]
    assert _ids(api(cast.edu_liaison).get("/api/ranking-appeals/")) == []
    decide = f"/api/ranking-appeals/{appeal.pk}/decide/"
    body = {
        "upheld": True,
        "decision": "属实",
        "reply": "已更正",
        "correction_points": "90",
        "version": appeal.version,
    }
    assert (
        api(cast.office_user).post(decide, body, format="json").status_code == 403
    )  # computed and published it
    assert api(cast.market_liaison).post(decide, body, format="json").status_code == 403
    resp = api(second_office).post(decide, body, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "upheld"
    new = RankingRun.objects.get(pk=resp.json()["corrected_run"])
    assert new.revision == 2 and RankingRun.objects.get(pk=run["id"]).is_current is False


def test_interviews_by_the_office_and_read_by_the_unit(cast, api):
    body = {"campaign": cast.campaign.pk, "unit": cast.market.pk, "reason": "问题逾期未整改"}
    assert api(cast.market_liaison).post("/api/ranking-interviews/", body, format="json").status_code == 403
    resp = api(cast.office_user).post("/api/ranking-interviews/", body, format="json")
    assert resp.status_code == 201, resp.content
    iid = resp.json()["id"]
    assert _ids(api(cast.market_liaison).get("/api/ranking-interviews/")) == [iid]
    assert _ids(api(cast.edu_liaison).get("/api/ranking-interviews/")) == []
    assert api(cast.other_office_user).get(f"/api/ranking-interviews/{iid}/").status_code == 404
    version = Interview.objects.get().version
    upd = {"status": "held", "held_on": "2026-06-01", "minutes": "纪要", "version": version}
    assert (
        api(cast.market_liaison).patch(f"/api/ranking-interviews/{iid}/", upd, format="json").status_code
        == 403
    )
    resp = api(cast.office_user).patch(f"/api/ranking-interviews/{iid}/", upd, format="json")
    assert resp.status_code == 200 and resp.json()["minutes"] == "纪要"


def _draft(cast, api, scheme):
    resp = api(cast.office_user).post(
        f"/api/ranking-schemes/{scheme.pk}/compute/", {"period": "2026-05"}, format="json"
    )
    return resp.json()["id"]


def test_adjustment_evidence_is_uploaded_and_downloaded_through_the_api(
    cast, api, scheme, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shian.core.models import AuditLog
    from shian.rankings.models import Adjustment

    settings.MEDIA_ROOT = tmp_path
    run_id = _draft(cast, api, scheme)
    url = f"/api/ranking-runs/{run_id}/adjust/"
    pdf = b"%PDF-1.4\n% evidence of the commendation\n"

    def body(content=pdf, name="表彰文件.pdf"):
        return {
            "unit": cast.market.pk,
            "points": "3",
            "reason": "获省级表彰",
            "evidence": SimpleUploadedFile(name, content),
        }

    # read-only roles and units are refused before anything is stored
    assert api(cast.leader).post(url, body(), format="multipart").status_code == 403
    assert api(cast.market_liaison).post(url, body(), format="multipart").status_code == 404  # a draft
    assert api(cast.other_office_user).post(url, body(), format="multipart").status_code == 404
    # the upload passes the same check as the page: content decides the kind
    resp = api(cast.office_user).post(url, body(b"MZ\x90\x00 not a pdf", "表彰.pdf"), format="multipart")
    assert resp.status_code == 400 and "类型不受支持" in str(resp.json())
    assert not Adjustment.objects.exists()
    resp = api(cast.office_user).post(url, body(), format="multipart")
    assert resp.status_code == 200, resp.content
    adj = Adjustment.objects.get()
    assert adj.evidence_name == "表彰文件.pdf" and adj.points == 3
    listed = api(cast.office_user).get("/api/ranking-adjustments/", {"run": run_id}).json()["results"]
    assert [(a["id"], a["has_evidence"], a["evidence_name"]) for a in listed] == [
        (adj.pk, True, "表彰文件.pdf")
    ]
    download = f"/api/ranking-adjustments/{adj.pk}/evidence/"
    resp = api(cast.office_user).get(download)
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == pdf
    assert (
        resp["Content-Disposition"].startswith("attachment") and resp["X-Content-Type-Options"] == "nosniff"
    )
    assert AuditLog.objects.filter(event="file_downloaded", object_id=str(adj.pk)).exists()
    # another county and the unit of a draft: 404
    assert api(cast.other_office_user).get(download).status_code == 404
    assert api(cast.other_office_user).get(f"/api/ranking-adjustments/{adj.pk}/").status_code == 404
    assert api(cast.market_liaison).get(download).status_code == 404
    # published: the unit concerned reads its evidence, another unit and the leader do not (as on the page)
    version = RankingRun.objects.get(pk=run_id).version
    api(cast.office_user).post(f"/api/ranking-runs/{run_id}/publish/", {"version": version}, format="json")
    resp = api(cast.market_liaison).get(download)
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == pdf
    assert api(cast.edu_liaison).get(download).status_code == 404
    assert api(cast.leader).get(download).status_code == 404
    assert api(cast.other_liaison).get(download).status_code == 404


def test_an_adjustment_without_evidence_has_nothing_to_download(cast, api, scheme):
    from shian.rankings.models import Adjustment

    run_id = _draft(cast, api, scheme)
    adjust = {"unit": cast.edu.pk, "points": "-2", "reason": "通报批评"}
    assert (
        api(cast.office_user).post(f"/api/ranking-runs/{run_id}/adjust/", adjust, format="json").status_code
        == 200
    )
    adj = Adjustment.objects.get()
    assert api(cast.office_user).get(f"/api/ranking-adjustments/{adj.pk}/").json()["has_evidence"] is False
    assert api(cast.office_user).get(f"/api/ranking-adjustments/{adj.pk}/evidence/").status_code == 404


def test_appeal_files_through_the_api(cast, api, scheme, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    run_id = _draft(cast, api, scheme)
    version = RankingRun.objects.get(pk=run_id).version
    api(cast.office_user).post(f"/api/ranking-runs/{run_id}/publish/", {"version": version}, format="json")
    url = f"/api/ranking-runs/{run_id}/appeal/"
    pdf = b"%PDF-1.4\n% appeal material\n"

    def body(content=pdf):
        return {"reason": "数据有误", "evidence": SimpleUploadedFile("核对说明.pdf", content)}

    assert api(cast.leader).post(url, body(), format="multipart").status_code == 403  # read-only
    assert api(cast.other_liaison).post(url, body(), format="multipart").status_code == 404
    r = api(cast.market_liaison).post(url, body(b"MZ\x90 not a pdf"), format="multipart")
    assert r.status_code == 400 and "evidence" in r.json()
    assert not Appeal.objects.exists()
    r = api(cast.market_liaison).post(url, body(), format="multipart")
    assert r.status_code == 201 and r.json()["has_evidence"] and r.json()["evidence_name"] == "核对说明.pdf"
    appeal = Appeal.objects.get()
    download = f"/api/ranking-appeals/{appeal.pk}/evidence/"
    for who in (cast.market_liaison, cast.office_user):
        r = api(who).get(download)
        assert r.status_code == 200 and b"".join(r.streaming_content) == pdf
        assert r["X-Content-Type-Options"] == "nosniff"
    for who in (cast.edu_liaison, cast.other_office_user, cast.other_liaison):
        assert api(who).get(download).status_code == 404, who
    # a JSON appeal still works and has no file
    r = api(cast.edu_liaison).post(url, {"reason": "名次有误"}, format="json")
    assert r.status_code == 201 and r.json()["has_evidence"] is False
    assert api(cast.edu_liaison).get(f"/api/ranking-appeals/{r.json()['id']}/evidence/").status_code == 404
