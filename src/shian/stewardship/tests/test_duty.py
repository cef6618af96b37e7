"""主体责任: periods across month/week boundaries, who may record, completion by township and 业态."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shian.registry.testing import make_business
from shian.stewardship import duty
from shian.stewardship.models import Binding, Cadre, DutyRecord

d = datetime.date


def test_periods_and_starts():
    assert duty.period_start("weekly", d(2026, 12, 3)) == d(2026, 11, 30)  # Thursday → Monday
    assert duty.period_start("monthly", d(2026, 12, 31)) == d(2026, 12, 1)
    assert duty.periods("daily", d(2026, 2, 1), d(2026, 2, 28)) == 28
    assert duty.periods("weekly", d(2026, 2, 1), d(2026, 2, 28)) == 4  # Mondays 2, 9, 16, 23
    assert duty.periods("weekly", d(2026, 11, 30), d(2026, 12, 6)) == 1
    assert duty.periods("monthly", d(2026, 11, 1), d(2027, 1, 31)) == 3
    assert duty.periods("monthly", d(2026, 11, 15), d(2026, 12, 31)) == 1


def test_record_and_completion(cast, login):
    big = make_business(cast.town, 1, safety_director="王总监", baobao_level="village")
    make_business(cast.town, 2)  # no 总监: not required
    duty.record_duty(big, "daily", d(2026, 2, 3), actor=cast.office_user, done_by="王总监")
    duty.record_duty(big, "weekly", d(2026, 2, 4), actor=cast.office_user, done_by="王总监")
    duty.record_duty(
        big, "monthly", d(2026, 2, 27), actor=cast.office_user, done_by="王总监", problems="冷库温度偏高"
    )
    with pytest.raises(ValidationError):
        duty.record_duty(big, "weekly", d(2026, 2, 6), actor=cast.office_user, done_by="王总监")  # same week
    with pytest.raises(PermissionDenied):
        duty.record_duty(big, "daily", d(2026, 2, 5), actor=cast.other_office_user, done_by="x")
    with pytest.raises(PermissionDenied):
        duty.record_duty(big, "daily", d(2026, 2, 5), actor=cast.leader, done_by="x")
    # the bound cadre with a login records on a visit
    c = Cadre.objects.create(
        name="李村干", level="village", region=cast.town, phone="13800000091", user=cast.edu_liaison
    )
    Binding.objects.create(cadre=c, business=big)
    duty.record_duty(big, "daily", d(2026, 2, 4), actor=cast.edu_liaison, done_by="王总监")
    table = duty.completion(None, d(2026, 2, 1), d(2026, 2, 28))
    town = table["towns"][0]
    assert town["businesses"] == 1
    assert (town["daily"]["done"], town["daily"]["required"]) == (2, 28)
    assert (town["weekly"]["done"], town["monthly"]["done"], town["monthly"]["rate"]) == (1, 1, 1.0)
    assert table["categories"][0]["name"] == "小餐饮"
    client = login(cast.office_user)
    body = client.get("/stewardship/duty/?month=2026-02").content.decode()
    assert "2/28" in body and "王总监" in body
    r = client.post(
        f"/stewardship/duty/{big.pk}/", {"kind": "daily", "period": "2026-02-10", "done_by": "王总监"}
    )
    assert r.status_code == 302 and DutyRecord.objects.count() == 5
    assert login(cast.other_office_user).get(f"/stewardship/duty/{big.pk}/").status_code == 404
    assert (
        "王总监" not in login(cast.other_office_user).get("/stewardship/duty/?month=2026-02").content.decode()
    )


def test_the_cadre_records_what_they_saw_on_a_visit(cast, client):
    from django.utils import timezone

    from shian.stewardship import services

    big = make_business(cast.town, 1, safety_director="王总监", baobao_level="village")
    small = make_business(cast.town, 2, baobao_level="village")
    c = Cadre.objects.create(name="李村干", level="village", region=cast.town, phone="13800000092")
    Binding.objects.create(cadre=c, business=big)
    Binding.objects.create(cadre=c, business=small)
    token = services.cadre_link_token(c)
    assert "主体责任" in client.get(f"/baobao/{token}/{big.pk}/").content.decode()
    assert "主体责任" not in client.get(f"/baobao/{token}/{small.pk}/").content.decode()
    today = timezone.localdate().isoformat()
    client.post(f"/baobao/{token}/{big.pk}/", {"visited_on": today, "duty": ["daily", "monthly", "bogus"]})
    client.post(f"/baobao/{token}/{small.pk}/", {"visited_on": today, "duty": ["daily"]})
    rows = DutyRecord.objects.all()
    assert {(r.business, r.kind) for r in rows} == {(big, "daily"), (big, "monthly")}
    assert all(r.visit is not None and r.done_by == "王总监" for r in rows)
    assert rows.get(kind="monthly").period == timezone.localdate().replace(day=1)
