"""On the demo: every document kind's figures equal an independent recount of the records as of the
document's date (built once: the demo is the expensive part)."""

import datetime

from django.utils import timezone

from shian.reports import services
from shian.reports.tests import recount


def test_every_demo_document_matches_a_recount_as_of_its_date(db):
    from shian.core.demo import build_demo
    from shian.reports.documents.summary import period_bounds
    from shian.reports.models import Document
    from shian.supervision.periods import parse_period

    build_demo()
    kinds = set()
    for doc in Document.objects.select_related("campaign__region", "round"):
        f = services.render(doc)[0].figures
        kinds.add(doc.kind)
        if doc.kind in ("bulletin", "summary"):
            as_of = datetime.date.fromisoformat(f["as_of"])
            p = parse_period(doc.period)
            start = p.start_date
            t = recount.tasks(doc.campaign, as_of, start=start)
            got = (
                f["tasks"]
                if doc.kind == "summary"
                else {
                    "total": f["tasks"],
                    "done": f["tasks_done"],
                    "done_in_period": f["tasks_done_in_period"],
                    "overdue": f["tasks_overdue"],
                }
            )
            assert got == t, (doc.kind, doc.period)
            if "sampling" in f:
                assert f["sampling"] == recount.sampling(doc.campaign.region, start, as_of)
                c = recount.cases(doc.campaign.region, start, as_of)
                assert (f["cases"], f["police"]) == (c["cases"], c["police"])
            if doc.kind == "summary" and "problems" in f:
                assert f["problems"] == recount.problems(doc.campaign, as_of)
            assert period_bounds(p, doc.issued_on)[1] == as_of
        elif doc.kind == "circular":
            cutoff = timezone.make_aware(datetime.datetime.combine(doc.issued_on, datetime.time.max))
            r = recount.round_reports(doc.round, cutoff, doc.campaign.office_id)
            assert (f["on_time"], f["late"], f["missing"]) == (r["on_time"], r["late"], r["missing"])
    assert {"bulletin", "circular", "summary"} <= kinds
