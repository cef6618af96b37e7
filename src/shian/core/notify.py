"""The one function every app calls to tell people about something: `notify_event`.

    from shian.core.notify import notify_event

    notify_event("inspection", inspection, units=[inspection.unit], campaign=inspection.campaign,
                 title=f"督查检查：{inspection}", body="请于5月20日前反馈整改情况", occasion="assigned")

- `event`: a name from `shian.notifications.choices.Event` (apps added later may pass their own; its
  label is then the name);
- `obj`: the object the message is about; its `get_absolute_url()` is the link unless `url` is given;
- recipients: `users` and/or `units` (a unit means its liaisons and unit heads);
- `occasion`: what makes this event happen again for the same object (a deadline, a date, a level): the
  same (event, object, occasion, person) is delivered once only, however often the caller runs;
- `campaign`: whose quiet hours apply. A unit's group robot hears about events to that unit; the
  campaign's group robot hears about campaign-wide events: a call with `campaign` and no users/units
  (e.g. "5 units have not reported") reaches only the campaign's robots.

Nothing is sent until the surrounding transaction commits (`transaction.on_commit`): a rolled-back
change tells nobody. The notifications app (registered at start-up through `set_dispatcher`) writes the
in-app messages and queues e-mail / SMS / robot deliveries. The hook lives in core so that every layer
may call it while the notifications app, which reads every domain, sits on top.
"""

import contextvars

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

_dispatcher = None
# Set while a reminder pass runs: it is one transaction of its own and counts what it sends.
immediate = contextvars.ContextVar("shian_notify_immediate", default=False)


def set_dispatcher(func):
    global _dispatcher
    _dispatcher = func


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
        "event": str(event),
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
    if _dispatcher is None or (not spec["user_ids"] and not spec["unit_ids"] and not spec["campaign_id"]):
        return
    if immediate.get():
        _dispatcher(spec)
    else:
        dispatcher = _dispatcher
        transaction.on_commit(lambda: dispatcher(spec))


def date_text(value) -> str:
    return f"{value:%Y年%-m月%-d日}" if value else "未设时限"
