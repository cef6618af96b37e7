"""State changes of 社会共治: polls (open, vote, choose, publish) and 有奖举报 (verify, reward)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from shian.community.choices import OptionKind, PollStatus, ReportStatus, TaskStatus
from shian.community.models import Poll, PollOption, PollVote, RewardReport, SamplingTask
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
    _plan(option, task_note=task_note)
    return option


def _plan(option: PollOption, *, task_note="", planned_on=None, unit=None, task_type="") -> SamplingTask:
    """Mark the option chosen and create its planned sampling (once)."""
    option.chosen = True
    option.task_note = (task_note or "").strip() or f"你点我检抽检：{option.name}"
    save_versioned(option, option.version)
    log_event(option, "chosen", f"列入抽检：{option.name}")
    task = SamplingTask.objects.filter(option=option).first()
    if task is None:
        task = SamplingTask(
            option=option,
            region=option.poll.region,
            product=option.name if option.kind == OptionKind.FOOD else "",
            place=option.name if option.kind == OptionKind.PLACE else "",
            planned_on=planned_on,
            unit=unit,
        )
        if task_type:
            task.task_type = task_type
        task.full_clean()
        task.save()
    return task


@transaction.atomic
def plan_top_options(
    poll: Poll, *, count: int, actor, planned_on=None, unit=None, task_type=""
) -> list[SamplingTask]:
    """The office turns the `count` most-voted options not yet planned into sampling tasks."""
    check_manage(actor, poll.region)
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    if poll.status not in (PollStatus.CLOSED, PollStatus.PUBLISHED):
        raise ValidationError("请在投票截止后再按得票确定抽检任务")
    if not 1 <= int(count) <= 20:
        raise ValidationError({"count": "一次可列入抽检的选项为1～20项"})
    if unit is not None and not unit.region.path.startswith(poll.region.path):
        raise ValidationError({"unit": f"承担单位“{unit}”不在本轮你点我检的区划内"})
    options = list(
        poll.options.filter(task__isnull=True, votes__gt=0).order_by("-votes", "name")[: int(count)]
    )
    if not options:
        raise ValidationError("没有得票且尚未列入抽检的选项")
    tasks = [_plan(o, planned_on=planned_on, unit=unit, task_type=task_type) for o in options]
    log_event(poll, "sampling_planned", "列入抽检：" + "、".join(o.name for o in options))
    return tasks


def sampling_candidates(task: SamplingTask, limit: int = 5):
    """Ledger records that may be this task's result: in the poll's region, sampled after the task was
    planned, whose product (or sampled unit, for a place) matches."""
    from django.db.models import Q

    from shian.supervision.models import SamplingRecord

    match = Q()
    if task.product:
        match |= Q(product__icontains=task.product)
    if task.place:
        match |= Q(sampled_unit__icontains=task.place)
    if not match:
        return SamplingRecord.objects.none()
    return SamplingRecord.objects.filter(
        match,
        region_path__startswith=task.region.path,
        sampled_on__gte=timezone.localtime(task.created_at).date(),
    ).order_by("-sampled_on", "number")[:limit]


@transaction.atomic
def link_sampling(task: SamplingTask, sampling, *, actor, expected_version) -> SamplingTask:
    """The ledger's record is this task's result: the task is done and the option's public result is the
    record's conclusion (with the failed items)."""
    check_manage(actor, task.region)
    task = SamplingTask.objects.select_for_update().select_related("option__poll__region").get(pk=task.pk)
    check_version(task, expected_version)
    if not sampling.region_path.startswith(task.region.path):
        raise ValidationError("抽检记录不在本轮你点我检的区划内")
    task.sampling = sampling
    task.status = TaskStatus.DONE
    save_versioned(task, task.version)
    result = sampling.get_result_display()
    if sampling.failed_items:
        result += f"（不合格项目：{sampling.failed_items}）"
    record_result(
        task.option, result=result, sampling=sampling, actor=actor, expected_version=task.option.version
    )
    log_event(task, "sampling_linked", f"关联抽检记录{sampling.number}：{result}")
    return task


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
