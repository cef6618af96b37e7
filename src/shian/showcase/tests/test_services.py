"""The project workflow: the office creates, the lead unit fills in and submits, the office reviews."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from shian.core.models import AuditLog
from shian.showcase import services
from shian.showcase.testing import TEXTS, make_project


def fresh(p):
    p.refresh_from_db()
    return p


def test_only_the_office_creates_and_only_bonus_items_of_the_framework_link(cast):
    with pytest.raises(PermissionDenied):
        services.create_project(
            actor=cast.edu_liaison,
            campaign=cast.campaign,
            title="x",
            direction="highlight",
            lead_unit=cast.edu,
        )
    with pytest.raises(PermissionDenied):
        services.create_project(
            actor=cast.other_office_user,
            campaign=cast.campaign,
            title="x",
            direction="highlight",
            lead_unit=cast.edu,
        )
    base_item = cast.items[0]
    with pytest.raises(ValidationError) as err:
        services.create_project(
            actor=cast.office_user,
            campaign=cast.campaign,
            title="x",
            direction="highlight",
            lead_unit=cast.edu,
            item=base_item,
        )
    assert "示范引领" in str(err.value)
    other_bonus = [i for i in cast.other_framework.test_items if i.indicator.category.kind == "bonus"][0]
    with pytest.raises(ValidationError) as err:
        services.create_project(
            actor=cast.office_user,
            campaign=cast.campaign,
            title="x",
            direction="highlight",
            lead_unit=cast.edu,
            item=other_bonus,
        )
    assert "不属于本创建项目的评价细则" in str(err.value)
    with pytest.raises(ValidationError) as err:
        services.create_project(
            actor=cast.office_user,
            campaign=cast.campaign,
            title="x",
            direction="highlight",
            lead_unit=cast.other_edu,
        )
    assert "牵头单位" in str(err.value)
    bonus = [i for i in cast.items if i.indicator.category.kind == "bonus"][0]
    p = services.create_project(
        actor=cast.office_user,
        campaign=cast.campaign,
        title="明厨亮灶",
        direction="smart",
        lead_unit=cast.market,
        item=bonus,
    )
    assert p.item == bonus and AuditLog.objects.filter(event="showcase_project_created").exists()


def test_the_lead_unit_fills_in_submits_and_the_office_reviews(cast):
    p = make_project(cast.campaign, cast.edu)
    with pytest.raises(PermissionDenied):
        services.add_milestone(p, actor=cast.market_liaison, title="x", due_on=dt.date(2026, 3, 1))
    with pytest.raises(ValidationError) as err:
        services.submit_project(p, actor=cast.edu_liaison, expected_version=p.version)
    assert "主要做法" in str(err.value)
    services.update_project(p, actor=cast.edu_liaison, expected_version=p.version, **TEXTS)
    with pytest.raises(PermissionDenied):
        services.update_project(
            fresh(p), actor=cast.edu_liaison, expected_version=p.version, lead_unit=cast.market
        )
    with pytest.raises(ValidationError) as err:
        services.submit_project(fresh(p), actor=cast.edu_liaison, expected_version=p.version)
    assert "阶段节点" in str(err.value)
    m = services.add_milestone(p, actor=cast.edu_liaison, title="试点", due_on=dt.date(2026, 3, 1))
    services.complete_milestone(m, actor=cast.edu_liaison, done_on=dt.date(2026, 3, 5), note="完成")
    services.add_file(
        p, actor=cast.edu_liaison, upload=SimpleUploadedFile("报道.pdf", b"%PDF-1.4 test"), kind="media"
    )
    with pytest.raises(ValidationError):
        services.add_file(
            p, actor=cast.edu_liaison, upload=SimpleUploadedFile("x.exe", b"MZ\x90\x00"), kind="media"
        )
    services.submit_project(fresh(p), actor=cast.edu_liaison, expected_version=p.version)
    with pytest.raises(ValidationError):
        services.add_milestone(fresh(p), actor=cast.edu_liaison, title="晚了", due_on=dt.date(2026, 4, 1))
    with pytest.raises(PermissionDenied):
        services.review_project(fresh(p), actor=cast.edu_liaison, expected_version=p.version, approve=True)
    with pytest.raises(ValidationError) as err:
        services.review_project(fresh(p), actor=cast.office_user, expected_version=p.version, approve=False)
    assert "审核意见" in str(err.value)
    with pytest.raises(ValidationError) as err:
        services.review_project(
            fresh(p), actor=cast.office_user, expected_version=p.version, approve=True, score_targeted=8
        )
    assert "创新性" in str(err.value)
    services.review_project(
        fresh(p),
        actor=cast.office_user,
        expected_version=p.version,
        approve=True,
        comment="可推广",
        score_targeted=8,
        score_innovative=9,
        score_exemplary=7,
        score_replicable=8,
    )
    p = fresh(p)
    assert p.status == "approved" and p.rubric_total == 32 and p.reviewed_by == cast.office_user
    assert services.progress([p])[0] | {"project": None, "overdue": None} == {
        "project": None,
        "done": 1,
        "total": 1,
        "percent": 100,
        "overdue": None,
    }
