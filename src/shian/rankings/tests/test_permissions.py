"""Pages: the other county gets 404, units read published runs only, only the office computes, adjusts,
publishes and edits schemes, appeals by the unit and decisions by the uninvolved, bounded queries."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shian.organisation.models import User
from shian.rankings import services
from shian.rankings.models import Appeal, RankingScheme
from shian.rankings.signals import register_signal

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@pytest.fixture
def scheme(cast):
    register_signal("test_perm", "测试", "any", lambda c, s, e: {cast.edu.pk: 90, cast.market.pk: 10})
    return RankingScheme.objects.create(
        campaign=cast.campaign, name="月度排名", weights={"test_perm": 1}, red_count=1, black_count=1
    )


@pytest.fixture
def draft(cast, scheme):
    return services.compute_ranking(scheme, datetime.date(2026, 5, 1), actor=cast.office_user)


@pytest.fixture
def run(cast, draft):
    return services.publish_run(draft, actor=cast.office_user)


@pytest.fixture
def second_office(cast):
    return User.objects.create_user(
        username="office2", password=cast.password, unit=cast.office, role="office", name="孙副主任"
    )


def test_the_other_county_gets_404(cast, login, run):
    c = login(cast.other_office_user)
    assert c.get(run.get_absolute_url()).status_code == 404
    assert c.get(run.get_absolute_url() + "?export=xlsx").status_code == 404
    assert c.get(run.scheme.get_absolute_url()).status_code == 404
    assert c.get(f"/rankings/schemes/{run.scheme_id}/trend/").status_code == 404
    assert c.get(f"/rankings/schemes/{run.scheme_id}/edit/").status_code == 404
    assert c.post(f"/rankings/runs/{run.pk}/appeal/", {"reason": "x"}).status_code == 404


def test_units_read_the_published_run_and_export_it(cast, login, run):
    c = login(cast.edu_liaison)
    page = c.get(run.get_absolute_url())
    assert (
        page.status_code == 200
        and "教育局" in page.content.decode()
        and "为何此名次" in page.content.decode()
    )
    assert c.get(run.get_absolute_url() + "?export=docx").status_code == 200


def test_units_do_not_see_drafts(cast, login, draft):
    assert login(cast.edu_liaison).get(draft.get_absolute_url()).status_code == 404
    assert login(cast.leader).get(draft.get_absolute_url()).status_code == 404
    page = login(cast.office_user).get(draft.get_absolute_url())
    assert page.status_code == 200 and "发布" in page.content.decode()


def test_only_the_office_computes_adjusts_and_publishes_from_the_page(cast, login, draft):
    url = f"/rankings/schemes/{draft.scheme_id}/compute/"
    assert login(cast.edu_liaison).post(url, {"period": "2026-06"}).status_code == 403
    assert login(cast.office_user).post(url, {"period": "2026-06"}).status_code == 302
    assert draft.scheme.runs.count() == 2
    adj_url = f"/rankings/runs/{draft.pk}/adjustments/"
    body = {"unit": cast.market.pk, "points": "5", "reason": "表彰"}
    assert login(cast.edu_liaison).post(adj_url, body).status_code == 404  # a draft is not theirs to see
    office = login(cast.office_user)
    body["evidence"] = SimpleUploadedFile("表彰.pdf", PDF)
    assert office.post(adj_url, body).status_code == 302
    adj = draft.adjustments.get()
    assert office.get(f"/rankings/adjustments/{adj.pk}/file/").status_code == 200
    assert login(cast.other_office_user).get(f"/rankings/adjustments/{adj.pk}/file/").status_code == 404
    publish = f"/rankings/runs/{draft.pk}/publish/"
    office = login(cast.office_user)
    draft.refresh_from_db()
    assert office.post(publish, {"version": draft.version}).status_code == 302
    draft.refresh_from_db()
    assert draft.is_published and draft.entry_for(cast.market.pk)["adjust"] == 5.0
    # the unit may now download the evidence behind its own adjustment, not another unit's
    assert login(cast.market_liaison).get(f"/rankings/adjustments/{adj.pk}/file/").status_code == 200
    assert login(cast.edu_liaison).get(f"/rankings/adjustments/{adj.pk}/file/").status_code == 404


def test_appeal_and_decision_through_the_pages(cast, login, run, second_office):
    unit = login(cast.market_liaison)
    assert unit.post(f"/rankings/runs/{run.pk}/appeal/", {"reason": "数据有误"}).status_code == 302
    appeal = Appeal.objects.get()
    assert (
        login(cast.edu_liaison).post(f"/rankings/runs/{run.pk}/appeal/", {"reason": "x"}).status_code == 302
    )
    assert Appeal.objects.count() == 2  # 教育局 may appeal its own rank too
    # the other unit does not read 市场监管局's appeal; the publisher cannot decide it
    assert login(cast.edu_liaison).get(appeal.get_absolute_url()).status_code == 404
    decide = {
        "outcome": "upheld",
        "decision": "属实",
        "reply": "已更正",
        "correction_points": "50",
        "version": appeal.version,
    }
    assert login(cast.office_user).post(appeal.get_absolute_url(), decide).status_code == 403
    assert login(cast.office_user).get(appeal.get_absolute_url()).status_code == 200
    assert login(second_office).post(appeal.get_absolute_url(), decide).status_code == 302
    appeal.refresh_from_db()
    assert appeal.corrected_run.revision == 2
    page = login(cast.edu_liaison).get(run.get_absolute_url()).content.decode()
    assert "已更正" in page and "数据有误" not in page  # the reply is public, the reason is not
    unit = login(cast.market_liaison)
    assert "已更正" in unit.get(appeal.corrected_run.get_absolute_url()).content.decode()


def test_scheme_edit_is_for_the_office(cast, login, scheme):
    url = f"/rankings/schemes/{scheme.pk}/edit/"
    assert login(cast.edu_liaison).get(url).status_code in (403, 404)
    assert login(cast.leader).get(url).status_code in (403, 404)
    office = login(cast.office_user)
    assert office.get(url).status_code == 200
    body = {
        "name": "乡镇季度红黑榜",
        "subject_kind": "township",
        "period_kind": "quarter",
        "list_rule": "threshold",
        "red_count": 3,
        "black_count": 3,
        "red_threshold": "90",
        "black_threshold": "60",
        "veto_demotes": "on",
        "interview_after": 2,
        "appeal_days": 7,
        "edit_version": scheme.version,
        "w_survey_satisfaction": "3",
        "n_survey_satisfaction": "target",
        "t_survey_satisfaction": "90",
        "w_inspection_score": "2",
        "n_inspection_score": "minmax",
    }
    assert office.post(url, body).status_code == 302
    scheme.refresh_from_db()
    assert scheme.weights == {"survey_satisfaction": 3.0, "inspection_score": 2.0}
    assert scheme.normalisation == {"survey_satisfaction": "target", "inspection_score": "minmax"}
    assert scheme.targets == {"survey_satisfaction": 90.0} and scheme.period_kind == "quarter"
    # a member-unit-only scheme cannot take a township signal; target normalisation needs a target
    bad = {**body, "subject_kind": "member", "edit_version": scheme.version}
    assert "不适用" in office.post(url, bad).content.decode()
    bad = {**body, "t_survey_satisfaction": "", "edit_version": scheme.version}
    assert "请填写目标值" in office.post(url, bad).content.decode()
    new = office.get(f"/rankings/schemes/new/?campaign={cast.campaign.pk}")
    assert new.status_code == 200
    assert (
        login(cast.other_office_user).get(f"/rankings/schemes/new/?campaign={cast.campaign.pk}").status_code
        == 404
    )


def test_the_trend_page_and_its_chart(cast, login, run):
    c = login(cast.edu_liaison)
    page = c.get(f"/rankings/schemes/{run.scheme_id}/trend/")
    assert page.status_code == 200 and "data-chart-url" in page.content.decode()
    option = c.get(f"/rankings/schemes/{run.scheme_id}/trend/?format=json").json()
    assert option["xAxis"]["data"] == ["2026年5月"]
    assert {s["name"]: s["data"] for s in option["series"]} == {"教育局": [1], "市场监管局": [2]}
    bold = {s["name"]: s["lineStyle"]["width"] for s in option["series"]}
    assert bold["教育局"] > bold["市场监管局"]


def test_manual_interview_by_the_office_only(cast, login):
    body = {"campaign": cast.campaign.pk, "unit": cast.market.pk, "reason": "调度连续三轮迟报"}
    assert login(cast.edu_liaison).post("/rankings/interviews/new/", body).status_code in (403, 404)
    assert login(cast.office_user).post("/rankings/interviews/new/", body).status_code == 302
    assert (
        login(cast.market_liaison).get("/rankings/interviews/").content.decode().count("调度连续三轮迟报")
        == 1
    )
    assert "调度连续三轮迟报" not in login(cast.edu_liaison).get("/rankings/interviews/").content.decode()


def test_list_and_run_pages_make_a_bounded_number_of_queries(
    cast, login, scheme, django_assert_max_num_queries
):
    office = login(cast.office_user)
    runs = []
    for month in range(1, 7):
        r = services.compute_ranking(scheme, datetime.date(2026, month, 1), actor=cast.office_user)
        runs.append(services.publish_run(r, actor=cast.office_user))
    office.get("/rankings/")
    with django_assert_max_num_queries(15):
        assert office.get("/rankings/").status_code == 200
    with django_assert_max_num_queries(20):
        assert office.get(runs[-1].get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(12):
        assert office.get(f"/rankings/schemes/{scheme.pk}/trend/?format=json").status_code == 200


def test_an_appeal_carries_its_file_read_by_the_office_and_the_unit_only(
    cast, login, run, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    url = f"/rankings/runs/{run.pk}/appeal/"
    bad = SimpleUploadedFile("说明.pdf", b"MZ\x90\x00 not a pdf")
    assert login(cast.market_liaison).post(url, {"reason": "数据有误", "evidence": bad}).status_code == 302
    assert not Appeal.objects.exists()  # refused with a message naming the file
    upload = SimpleUploadedFile("抽检数据核对.pdf", PDF)
    assert login(cast.market_liaison).post(url, {"reason": "数据有误", "evidence": upload}).status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.evidence_name == "抽检数据核对.pdf"
    download = f"/rankings/appeals/{appeal.pk}/file/"
    for who in (cast.market_liaison, cast.office_user):
        r = login(who).get(download)
        assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
        assert r["Content-Disposition"].startswith("attachment")
    assert download in login(cast.office_user).get(appeal.get_absolute_url()).content.decode()
    for who in (cast.edu_liaison, cast.other_office_user, cast.other_liaison):
        assert login(who).get(download).status_code == 404, who
    # the run page links it for those who read the reason only
    assert download not in login(cast.edu_liaison).get(run.get_absolute_url()).content.decode()
    assert download in login(cast.market_liaison).get(run.get_absolute_url()).content.decode()


def test_adjustment_evidence_on_the_page_keeps_its_rule(cast, login, draft, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    office = login(cast.office_user)
    body = {
        "unit": cast.market.pk,
        "points": "2",
        "reason": "表彰",
        "evidence": SimpleUploadedFile("表彰.pdf", PDF),
    }
    assert office.post(f"/rankings/runs/{draft.pk}/adjustments/", body).status_code == 302
    adj = draft.adjustments.get()
    download = f"/rankings/adjustments/{adj.pk}/file/"
    assert login(cast.office_user).get(download).status_code == 200
    for who in (cast.market_liaison, cast.other_office_user, cast.leader):  # a draft: the office only
        assert login(who).get(download).status_code == 404, who
