import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shian.core.services import ConcurrentEditError
from shian.reports import services
from shian.reports.models import Document


def test_it_numbers_circulars_per_campaign(cast, dispatch_round):
    a = services.create_document(cast.campaign, "circular", actor=cast.office_user, round=dispatch_round)
    b = services.create_document(cast.campaign, "circular", actor=cast.office_user, round=dispatch_round)
    assert (a.issue_no, b.issue_no) == (1, 2)
    assert services.create_document(cast.campaign, "summary", actor=cast.office_user).issue_no is None


def test_it_refuses_units_leaders_and_other_counties(cast, dispatch_round):
    for user in (cast.edu_liaison, cast.leader, cast.other_office_user, cast.expert):
        with pytest.raises(PermissionDenied):
            services.create_document(cast.campaign, "circular", actor=user, round=dispatch_round)
    assert not Document.objects.exists()


def test_it_refuses_a_round_of_another_campaign(cast, other_round):
    with pytest.raises(ValidationError) as exc:
        services.create_document(cast.campaign, "circular", actor=cast.office_user, round=other_round)
    assert exc.value.message_dict == {"round": ["调度轮次不属于该创建项目"]}


def test_it_refuses_a_circular_without_round_and_a_bad_period(cast):
    with pytest.raises(ValidationError) as exc:
        services.create_document(cast.campaign, "circular", actor=cast.office_user)
    assert "调度通报须选择调度轮次" in exc.value.messages
    with pytest.raises(ValidationError) as exc:
        services.create_document(cast.campaign, "summary", actor=cast.office_user, period="上半年")
    assert "period" in exc.value.message_dict


def test_self_assessment_needs_an_assessment(cast):
    with pytest.raises(ValidationError) as exc:
        services.create_document(cast.campaign, "self-assessment", actor=cast.office_user)
    assert "评分模块中尚无可用的评审" in exc.value.messages[0]


def test_it_refuses_stale_and_unknown_edits(cast, dispatch_round):
    doc = services.create_document(cast.campaign, "circular", actor=cast.office_user, round=dispatch_round)
    v = doc.version
    services.save_narrative(doc, {"intro": "新的开头"}, actor=cast.office_user, expected_version=v)
    stale = Document.objects.get(pk=doc.pk)
    stale.version = v
    with pytest.raises(ConcurrentEditError):
        services.save_narrative(stale, {"intro": "覆盖"}, actor=cast.office_user, expected_version=v)
    with pytest.raises(ValidationError) as exc:
        services.save_narrative(doc, {"nope": "x"}, actor=cast.office_user, expected_version=doc.version)
    assert exc.value.message_dict == {"narrative": ["未知的文字段落：nope"]}
    assert Document.objects.get(pk=doc.pk).narrative == {"intro": "新的开头"}


def test_generated_versions_are_numbered_and_keep_their_figures(cast, dispatch_round):
    doc = services.create_document(cast.campaign, "circular", actor=cast.office_user, round=dispatch_round)
    f1 = services.generate_document(doc, actor=cast.office_user, pdf=False)
    f2 = services.generate_document(doc, actor=cast.office_user, pdf=False)
    assert (f1.number, f2.number) == (1, 2)
    assert f2.created_by == cast.office_user and f2.docx.read(2) == b"PK"
    assert f2.figures["on_time"] == 1 and f2.figures["missing_units"] == ["三台县市场监督管理局"]
    assert f2.filename() == "关于2026年5月创建工作调度情况的通报（第2版）.docx"
