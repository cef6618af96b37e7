"""Campaign rules."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from shian.campaigns.models import Campaign
from shian.core import policy


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
