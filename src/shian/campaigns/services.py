"""Campaign rules: who manages a campaign, the user's current campaign, archiving and deletion."""

from collections import Counter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import Case, Exists, OuterRef, ProtectedError, RestrictedError, Value, When
from django.db.models.deletion import Collector
from django.utils import timezone

from shian.campaigns import readonly
from shian.campaigns.choices import CampaignStatus
from shian.campaigns.models import Campaign, CampaignChoice
from shian.core import policy
from shian.core.audit import log_event
from shian.core.services import parse_id


def check_can_manage(campaign: Campaign, actor):
    if not policy.manages(actor, campaign):
        raise PermissionDenied("只有本辖区创建办可以管理该创建项目")


@transaction.atomic
def create_campaign(*, actor, milestones=(), **fields) -> Campaign:
    """Create a campaign in the actor's region, with its milestones [(kind, date, title)]."""
    campaign = Campaign(**fields)
    check_can_manage(campaign, actor)
    campaign.full_clean()
    campaign.save()
    for kind, date, title in milestones:
        campaign.milestones.create(kind=kind, date=date, title=title or "")
    return campaign


def countdown(campaign: Campaign, today=None):
    """The next milestone and the days left to it, or None when none is ahead."""
    milestone = campaign.next_milestone(today)
    if milestone is None:
        return None
    return {"milestone": milestone, "days": milestone.days_left(today)}


def validate_milestones(milestones):
    dates = {}
    for m in milestones:
        if m.kind in dates and m.kind != "other":
            raise ValidationError(f"节点“{m.get_kind_display()}”重复")
        dates[m.kind] = m.date


# ------------------------------------------------------------------------------ the current campaign

# Without a choice of their own, users work in the oldest campaign still under way, so that a newly
# created campaign (even one in preparation) never moves anyone's home page.
_STATUS_RANK = {
    CampaignStatus.ACTIVE: 0,
    CampaignStatus.UNDER_REVIEW: 0,
    CampaignStatus.NAMED: 1,
    CampaignStatus.PREPARING: 2,
    CampaignStatus.CLOSED: 3,
}


def _ranked(queryset, user):
    chosen = CampaignChoice.objects.filter(user_id=user.pk, campaign=OuterRef("pk"))
    rank = Case(*[When(status=s, then=Value(r)) for s, r in _STATUS_RANK.items()], default=Value(9))
    return (
        queryset.unarchived()
        .annotate(chosen=Exists(chosen), status_rank=rank)
        .order_by("-chosen", "status_rank", "created_at", "pk")
    )


def current_campaign(user, requested=None, queryset=None) -> Campaign | None:
    """The campaign a page works in, for this user.

    `requested` is an explicit choice on the page (?campaign=): that campaign when the user may see it
    (archived ones included: they are read-only, not hidden), else None. Without it: the campaign the
    user chose in the navbar, else the oldest unarchived campaign under way — never "the newest".
    `queryset` narrows the candidates (e.g. the campaigns the user may change); default: all in view scope.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    qs = queryset if queryset is not None else Campaign.objects.restrict(user)
    qs = qs.select_related("region", "framework", "office")
    if requested not in (None, ""):
        pk = parse_id(requested)
        return qs.filter(pk=pk).first() if pk else None
    return _ranked(qs, user).first()


def campaign_menu(user, limit=30) -> list[Campaign]:
    """The campaigns of the navbar switcher (unarchived, in view scope), the current one first."""
    return list(_ranked(Campaign.objects.restrict(user), user).select_related("region")[:limit])


def choose_campaign(user, campaign: Campaign) -> CampaignChoice:
    """Make `campaign` the user's current campaign; it sticks until they choose another."""
    if campaign.is_archived:
        raise ValidationError({"campaign": "该创建项目已归档，不能设为当前项目"})
    if not Campaign.objects.restrict(user).filter(pk=campaign.pk).exists():
        raise PermissionDenied("不能选择该创建项目")
    choice, _ = CampaignChoice.objects.update_or_create(user=user, defaults={"campaign": campaign})
    return choice


# ------------------------------------------------------------------------------ archive and delete


@transaction.atomic
def archive_campaign(campaign: Campaign, *, actor) -> Campaign:
    """归档: the campaign and everything in it become read-only and leave every default."""
    check_can_manage(campaign, actor)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.is_archived:
        raise ValidationError("该创建项目已归档")
    campaign.archived_at = timezone.now()
    campaign.version += 1
    campaign.save(update_fields=["archived_at", "version", "updated_at"])
    CampaignChoice.objects.filter(campaign=campaign).delete()
    log_event(campaign, "campaign_archived")
    return campaign


@transaction.atomic
def unarchive_campaign(campaign: Campaign, *, actor) -> Campaign:
    """取消归档: the campaign can be worked on again."""
    check_can_manage(campaign, actor)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not campaign.is_archived:
        raise ValidationError("该创建项目未归档")
    campaign.archived_at = None
    campaign.version += 1
    with readonly.allow_archived_changes():
        campaign.save(update_fields=["archived_at", "version", "updated_at"])
    log_event(campaign, "campaign_unarchived")
    return campaign


def deletion_summary(campaign: Campaign) -> dict:
    """What deleting the campaign would remove ({kind: count}) and what prevents it (protected rows)."""
    collector = Collector(using=router.db_for_write(Campaign))
    try:
        collector.collect([campaign])
    except (ProtectedError, RestrictedError) as exc:
        blockers = (
            Counter(str(obj._meta.verbose_name) for obj in exc.protected_objects if obj is not None)
            if isinstance(exc, ProtectedError)
            else Counter(str(o._meta.verbose_name) for o in exc.restricted_objects)
        )
        return {"removes": [], "blockers": sorted(blockers.items())}
    removes = Counter()
    for model, instances in collector.data.items():
        if model is not Campaign and not model._meta.auto_created:  # m2m link rows are no kind of their own
            removes[str(model._meta.verbose_name)] += len(instances)
    for qs in collector.fast_deletes:
        if qs.model._meta.auto_created:
            continue
        count = qs.count()
        if count:
            removes[str(qs.model._meta.verbose_name)] += count
    return {"removes": sorted(removes.items(), key=lambda kv: -kv[1]), "blockers": []}


@transaction.atomic
def delete_campaign(campaign: Campaign, *, actor) -> dict:
    """Delete the campaign with everything that hangs on it, unless something protects it."""
    check_can_manage(campaign, actor)
    summary = deletion_summary(campaign)
    if summary["blockers"]:
        listed = "、".join(f"{kind}{n}条" for kind, n in summary["blockers"])
        raise ValidationError(f"该创建项目仍被其他数据引用，不能删除：{listed}")
    note = "；".join(f"{kind}{n}条" for kind, n in summary["removes"])[:300]
    log_event(campaign, "campaign_deleted", note=note)
    with readonly.allow_archived_changes():
        campaign.delete()
    return summary
