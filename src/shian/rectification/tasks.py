"""Background jobs of the rectification app."""

from shian.core.jobs import job


@job("rectification.escalate")
def escalate_job(record):
    """Params: {"campaign": id or None}. Same service as `shian escalate-problems`."""
    from shian.campaigns.models import Campaign
    from shian.rectification.services import escalate_problems

    campaign_id = record.params.get("campaign")
    campaign = Campaign.objects.get(pk=campaign_id) if campaign_id else None
    return escalate_problems(campaign=campaign, actor=record.created_by)
