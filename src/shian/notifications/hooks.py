"""The one function every app calls to tell people about something: `notify_event`.

    from shian.notifications.hooks import notify_event

    notify_event("inspection", inspection, units=[inspection.unit], campaign=inspection.campaign,
                 title=f"督查检查：{inspection}", body="请于5月20日前反馈整改情况", occasion="assigned")

- `event`: a name from `choices.Event` (apps added later may pass their own; its label is then the name);
- `obj`: the object the message is about; its `get_absolute_url()` is the link unless `url` is given;
- recipients: `users` and/or `units` (a unit means its liaisons and unit heads);
- `occasion`: what makes this event happen again for the same object (a deadline, a date, a level): the
  same (event, object, occasion, person) is delivered once only, however often the caller runs;
- `campaign`: whose quiet hours apply. A unit's group robot hears about events to that unit; the
  campaign's group robot hears about campaign-wide events: a call with `campaign` and no users/units
  (e.g. "5 units have not reported") reaches only the campaign's robots.

Nothing is sent until the surrounding transaction commits (`transaction.on_commit`): a rolled-back
change tells nobody. The in-app message appears at once; e-mail / SMS go out at once only for the
events the person chose (default: returned materials and 约谈), the rest waits for the daily digest;
group robots get the events their hook lists. Sending is a background job with retries.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction


def notify_event(
    event: str,
    obj,
    *,
    title: str,
    body: str = "",
    users=(),
    units=(),
    occasion="",
    campaign=None,
    url: str | None = None,
) -> None:
    spec = {
        "event": event,
        "content_type_id": ContentType.objects.get_for_model(obj.__class__).pk if obj is not None else None,
        "object_id": str(obj.pk) if obj is not None else "",
        "occasion": str(occasion or ""),
        "title": title[:200],
        "body": body or "",
        "url": url
        if url is not None
        else (obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""),
        "campaign_id": getattr(campaign, "pk", campaign),
        "user_ids": sorted({getattr(u, "pk", u) for u in users}),
        "unit_ids": sorted({getattr(u, "pk", u) for u in units}),
    }
    if not spec["user_ids"] and not spec["unit_ids"] and not spec["campaign_id"]:
        return

    from shian.notifications.services import dispatch, in_reminder_pass

    if in_reminder_pass():
        dispatch(spec)  # the pass is one transaction of its own and counts what it sends
    else:
        transaction.on_commit(lambda: dispatch(spec))
