"""你点我检 without login: one vote per device, throttled, draft polls unreachable, results published."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from shian.community import services
from shian.community.models import PollVote
from shian.community.testing import make_poll
from shian.core.public import DEVICE_COOKIE


def _post(client, poll, option):
    return client.post(poll.public_url(), {"option": option.pk})


def test_a_resident_votes_once_per_device(cast):
    poll = make_poll(cast.county)
    mooncake = poll.options.get(name="月饼")
    client = Client()
    page = client.get(poll.public_url())
    assert page.status_code == 200 and "月饼" in page.content.decode()
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert DEVICE_COOKIE in page.cookies
    ok = _post(client, poll, mooncake)
    assert ok.status_code == 200 and "投票成功" in ok.content.decode()
    again = _post(client, poll, poll.options.get(name="学校食堂"))
    assert again.status_code == 400 and "已经投过票" in again.content.decode()
    mooncake.refresh_from_db()
    assert mooncake.votes == 1 and PollVote.objects.filter(poll=poll).count() == 1
    # another device may vote; the stored device is a keyed hash, not the cookie
    other = Client()
    assert _post(other, poll, mooncake).status_code == 200
    mooncake.refresh_from_db()
    assert mooncake.votes == 2
    cookie = client.cookies[DEVICE_COOKIE].value
    assert not PollVote.objects.filter(device__contains=cookie).exists()


def test_draft_unknown_and_foreign_options_are_refused(cast):
    draft = make_poll(cast.county, status="draft")
    assert Client().get(draft.public_url()).status_code == 404
    assert Client().get("/pick/nosuchtoken123456/").status_code == 404
    poll = make_poll(cast.county)
    other = make_poll(cast.other_county)
    foreign = other.options.first()
    response = _post(Client(), poll, foreign)
    assert response.status_code == 400 and "请选择" in response.content.decode()
    closed = make_poll(cast.county, status="closed", title="已截止")
    response = _post(Client(), closed, closed.options.first())
    assert response.status_code == 400 and "未开放或已截止" in response.content.decode()


def test_votes_are_throttled_per_address(cast):
    poll = make_poll(cast.county)
    statuses = [_post(Client(), poll, poll.options.first()).status_code for _ in range(12)]
    assert statuses[:10] == [200] * 10
    assert statuses[-1] == 429


def test_the_office_turns_votes_into_sampling_and_publishes_results(cast, login):
    from shian.supervision.models import SamplingRecord

    poll = make_poll(cast.county)
    sample = SamplingRecord.objects.create(
        number="SC-1",
        region=cast.town,
        sampled_on=poll.created_at.date(),
        task_type="监督抽检",
        result="合格",
    )
    option = poll.options.get(name="月饼")
    client = login(cast.office_user)
    detail = poll.get_absolute_url()
    r = client.post(detail, {"action": "status", "status": "published", "version": poll.version})
    assert r.status_code == 302
    poll.refresh_from_db()
    assert poll.status == "open"  # open → published is not a move
    client.post(detail, {"action": "status", "status": "closed", "version": poll.version})
    poll.refresh_from_db()
    assert poll.status == "closed"
    r = client.post(detail, {"action": "status", "status": "published", "version": poll.version})
    poll.refresh_from_db()
    assert poll.status == "closed"  # nothing chosen yet
    client.post(detail, {"action": "choose", "option": option.pk, "version": option.version, "task_note": ""})
    option.refresh_from_db()
    assert option.chosen and "月饼" in option.task_note
    r = client.post(
        detail, {"action": "result", "option": option.pk, "version": option.version, "sampling": "SC-404"}
    )
    option.refresh_from_db()
    assert option.sampling is None
    client.post(
        detail, {"action": "result", "option": option.pk, "version": option.version, "sampling": "SC-1"}
    )
    option.refresh_from_db()
    assert option.sampling == sample and option.result == "合格"
    client.post(detail, {"action": "status", "status": "published", "version": poll.version})
    poll.refresh_from_db()
    assert poll.status == "published"
    page = Client().get(poll.public_url()).content.decode()
    assert "抽检结果" in page and "月饼" in page and "合格" in page
    assert "SC-1" not in page  # the ledger's numbers stay inside
    staff_page = client.get(detail).content.decode()
    assert sample.get_absolute_url() in staff_page


def test_only_the_office_of_the_region_manages_a_poll(cast):
    poll = make_poll(cast.county)
    for user in (cast.leader, cast.town_liaison, cast.other_office_user):
        with pytest.raises(PermissionDenied):
            services.set_poll_status(poll, "closed", actor=user, expected_version=poll.version)
