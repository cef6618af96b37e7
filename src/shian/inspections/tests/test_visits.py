import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shian.inspections import services
from shian.inspections.models import Visit, VisitPhoto
from shian.inspections.testing import PNG, complete, drawn_plan_with_visits
from shian.rectification.models import Problem


def test_assigning_makes_one_visit_per_selected_point_with_the_current_checklist(cast):
    plan, visits = drawn_plan_with_visits(cast)
    assert len(visits) == plan.sites.filter(role="selected").count() == 10
    assert all(v.checklist.category_id == v.business.category_id for v in visits)


def test_a_complete_visit_is_scored_out_of_100(cast):
    _plan, visits = drawn_plan_with_visits(cast)
    v = complete(visits[0], cast.expert)
    assert v.status == "submitted" and v.score == 100
    v2 = complete(visits[1], cast.expert, fail_seq=(1,))
    first = v2.checklist.items.get(seq=1)
    total = sum(i.points for i in v2.checklist.items.all())
    assert v2.score == round((total - first.points) * 100 / total, 1)


def test_submitting_names_what_is_missing(cast):
    _plan, visits = drawn_plan_with_visits(cast)
    v = visits[0]
    with pytest.raises(ValidationError, match="未填写结果"):
        services.save_visit(v, actor=cast.expert, data={"answers": {}}, submit=True)
    items = list(v.checklist.items.all())
    answers = {str(i.pk): {"result": "pass"} for i in items}
    with pytest.raises(ValidationError, match="须拍照"):
        services.save_visit(v, actor=cast.expert, data={"answers": answers}, submit=True)
    answers[str(items[0].pk)] = {"result": "fail"}
    photos = [{"id": f"x{i.pk}", "item": i.pk, "data": PNG} for i in items if i.photo_required]
    with pytest.raises(ValidationError, match="第1项不符合，请写明情况"):
        services.save_visit(v, actor=cast.expert, data={"answers": answers, "photos": photos}, submit=True)
    answers[str(items[0].pk)] = {"result": "fail", "note": "证照过期"}
    with pytest.raises(ValidationError, match="签字"):
        services.save_visit(v, actor=cast.expert, data={"answers": answers, "photos": photos}, submit=True)


def test_resending_a_draft_does_not_duplicate_photos_or_answers(cast):
    _plan, visits = drawn_plan_with_visits(cast)
    v = visits[0]
    item = v.checklist.items.first()
    data = {
        "answers": {str(item.pk): {"result": "partial", "note": "a"}},
        "photos": [{"id": "same", "item": item.pk, "data": PNG, "lat": "31.1", "lng": "105.2"}],
    }
    services.save_visit(v, actor=cast.expert, data=data)
    services.save_visit(v, actor=cast.expert, data=data)
    assert VisitPhoto.objects.filter(visit=v).count() == 1 and v.answers.count() == 1
    photo = VisitPhoto.objects.get(visit=v)
    assert str(photo.latitude) == "31.100000"
    v.refresh_from_db()
    assert v.status == "in_progress"


def test_a_non_image_photo_is_refused(cast):
    _plan, visits = drawn_plan_with_visits(cast)
    with pytest.raises(ValidationError, match="不是 JPEG 或 PNG"):
        services.save_visit(
            visits[0],
            actor=cast.expert,
            data={"photos": [{"id": "x", "data": "data:image/png;base64,PGh0bWw+"}]},
        )


def test_only_the_assigned_inspector_fills_a_visit(cast):
    _plan, visits = drawn_plan_with_visits(cast)
    with pytest.raises(PermissionDenied):
        services.save_visit(visits[0], actor=cast.edu_liaison, data={})
    assert set(Visit.objects.restrict(cast.expert)) == set(visits)
    assert not Visit.objects.restrict(cast.edu_liaison).exists()
    assert not Visit.objects.restrict(cast.other_office_user).exists()


def test_a_submitted_visit_cannot_be_changed(cast):
    _plan, visits = drawn_plan_with_visits(cast)
    complete(visits[0], cast.expert)
    with pytest.raises(ValidationError, match="已提交"):
        services.save_visit(visits[0], actor=cast.expert, data={})


def test_findings_become_problems_and_a_reinspection_closes_them(cast):
    plan, visits = drawn_plan_with_visits(cast)
    v = complete(visits[0], cast.expert, fail_seq=(1, 2))
    made = services.problems_from_visit(v, actor=cast.office_user)
    assert len(made) == 2
    p = made[0]
    assert p.source == "covert" and p.campaign == cast.campaign and v.business.name in p.description
    assert p.unit == cast.town_unit or p.unit == cast.office  # township unit where there is one
    assert services.problems_from_visit(v, actor=cast.office_user) == []  # once only
    again = services.start_reinspection(v, actor=cast.office_user)
    items = list(again.checklist.items.all())
    data = {
        "answers": {
            str(i.pk): {"result": "fail" if i.seq == 2 else "pass", "note": "仍未整改"} for i in items
        },
        "photos": [{"id": f"r{i.pk}", "item": i.pk, "data": PNG} for i in items if i.photo_required],
        "signature": PNG,
    }
    services.save_visit(again, actor=cast.expert, data=data, submit=True)
    closed = services.close_problems_by_reinspection(again, actor=cast.office_user)
    assert [c.pk for c in closed] == [made[0].pk]
    assert Problem.objects.get(pk=made[0].pk).status == "verified"
    assert Problem.objects.get(pk=made[1].pk).status != "verified"


def test_the_plan_summary_gives_category_averages_and_problems(cast):
    plan, visits = drawn_plan_with_visits(cast)
    for v in visits[:3]:
        complete(v, cast.expert, fail_seq=(1,))
    s = services.plan_summary(plan)
    assert s["points"] == 10 and s["done"] == 3
    assert sum(c["count"] for c in s["categories"]) == 3
    assert sum(p["count"] for p in s["problems"]) == 3
