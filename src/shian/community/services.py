"""State changes of 社会共治: polls (open, vote, choose, publish) and 有奖举报 (verify, reward)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from shian.community.choices import PollStatus, ReportStatus
from shian.community.models import Poll, PollOption, PollVote, RewardReport
from shian.core import policy
from shian.core.audit import log_event
from shian.core.public import device_fingerprint
from shian.core.services import check_version, save_versioned


def can_manage(user, region) -> bool:
    return policy.manages(user, region) and not user.is_read_only


def check_manage(user, region):
    if not can_manage(user, region):
        raise PermissionDenied("只有本辖区的创建办可以办理")


ALLOWED_MOVES = {
    PollStatus.DRAFT: {PollStatus.OPEN},
    PollStatus.OPEN: {PollStatus.CLOSED},
    PollStatus.CLOSED: {PollStatus.OPEN, PollStatus.PUBLISHED},
    PollStatus.PUBLISHED: {PollStatus.CLOSED},
}


@transaction.atomic
def set_poll_status(poll: Poll, status: str, *, actor, expected_version: int | None) -> Poll:
    check_manage(actor, poll.region)
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    check_version(poll, expected_version)
    if status not in ALLOWED_MOVES.get(poll.status, ()):
        raise ValidationError(f"状态不能从“{poll.get_status_display()}”改为“{PollStatus(status).label}”")
    if status == PollStatus.OPEN and not poll.options.exists():
        raise ValidationError("请先添加至少一个可投票的选项")
    if status == PollStatus.PUBLISHED and not poll.options.filter(chosen=True).exists():
        raise ValidationError("请先把得票靠前的选项列入抽检，再公布结果")
    poll.status = status
    save_versioned(poll, poll.version)
    log_event(poll, "status", f"你点我检状态改为{poll.get_status_display()}")
    return poll


def vote(poll: Poll, option_id, device_token: str) -> PollOption:
    """One vote per device per poll. Raises ValidationError with a Chinese message."""
    if poll.status != PollStatus.OPEN:
        raise ValidationError("本轮投票未开放或已截止")
    today = timezone.localdate()
    if (poll.opens_on and today < poll.opens_on) or (poll.closes_on and today > poll.closes_on):
        raise ValidationError("不在投票时间内")
    try:
        option = poll.options.get(pk=int(option_id))
    except (TypeError, ValueError, PollOption.DoesNotExist):
        raise ValidationError("请选择一个选项")
    fingerprint = device_fingerprint(device_token, f"poll:{poll.pk}")
    try:
        with transaction.atomic():
            PollVote.objects.create(poll=poll, option=option, device=fingerprint)
            PollOption.objects.filter(pk=option.pk).update(votes=F("votes") + 1)
    except IntegrityError:
        raise ValidationError("您已经投过票了，每台设备每轮只能投一票")
    option.refresh_from_db()
    return option


@transaction.atomic
def choose_option(option: PollOption, *, task_note: str, actor, expected_version: int | None) -> PollOption:
    """The office turns a nomination into a sampling task."""
    check_manage(actor, option.poll.region)
    option = PollOption.objects.select_for_update().get(pk=option.pk)
    check_version(option, expected_version)
    option.chosen = True
    option.task_note = task_note.strip() or f"你点我检抽检：{option.name}"
    save_versioned(option, option.version)
    log_event(option, "chosen", f"列入抽检：{option.name}")
    return option


@transaction.atomic
def record_result(option: PollOption, *, result: str, sampling=None, actor, expected_version) -> PollOption:
    check_manage(actor, option.poll.region)
    option = PollOption.objects.select_for_update().get(pk=option.pk)
    check_version(option, expected_version)
    if not option.chosen:
        raise ValidationError("该选项未列入抽检，不能登记结果")
    if sampling is not None and not sampling.region_path.startswith(option.poll.region.path):
        raise ValidationError("抽检记录不在本轮你点我检的区划内")
    option.result = result.strip()
    option.sampling = sampling
    if sampling is not None and not option.result:
        option.result = sampling.get_result_display()
    save_versioned(option, option.version)
    log_event(option, "result", f"登记抽检结果：{option.name} {option.result}")
    return option


REPORT_MOVES = {
    ReportStatus.RECEIVED: {ReportStatus.VERIFIED, ReportStatus.REJECTED},
    ReportStatus.VERIFIED: {ReportStatus.REWARDED},
}


@transaction.atomic
def verify_report(report: RewardReport, *, verified: bool, actor, expected_version, on=None) -> RewardReport:
    check_manage(actor, report.region)
    report = RewardReport.objects.select_for_update().get(pk=report.pk)
    check_version(report, expected_version)
    if report.status != ReportStatus.RECEIVED:
        raise ValidationError("只有“已受理”的举报可以查证")
    report.status = ReportStatus.VERIFIED if verified else ReportStatus.REJECTED
    report.verified_on = on or timezone.localdate()
    save_versioned(report, report.version)
    log_event(report, "verified", f"举报{report.get_status_display()}")
    return report


@transaction.atomic
def pay_reward(report: RewardReport, *, amount, actor, expected_version, on=None) -> RewardReport:
    check_manage(actor, report.region)
    report = RewardReport.objects.select_for_update().get(pk=report.pk)
    check_version(report, expected_version)
    if report.status != ReportStatus.VERIFIED:
        raise ValidationError("只有“查证属实”的举报可以发放奖励")
    if amount is None or amount <= 0:
        raise ValidationError({"reward_amount": "奖励金额必须大于0"})
    report.status = ReportStatus.REWARDED
    report.reward_amount = amount
    report.paid_on = on or timezone.localdate()
    save_versioned(report, report.version)
    log_event(report, "rewarded", f"发放奖励{amount}元")
    return report
