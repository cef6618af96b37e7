"""On the demo: every document kind's figures equal an independent recount of the records as of the
document's date (built once: the demo is the expensive part)."""

from shian.reports.tests import recount


def test_every_demo_document_matches_a_recount_as_of_its_date(db):
    from shian.core.demo import build_demo
    from shian.reports.models import Document

    build_demo()
    kinds = set()
    for doc in Document.objects.select_related("campaign__region", "round"):
        kinds.add(doc.kind)
        assert recount.mismatches(doc) == []
    assert {"bulletin", "circular", "summary", "self-assessment", "review"} <= kinds


def test_the_recount_notices_a_wrong_figure(cast, monkeypatch):
    from shian.reports import services
    from shian.reports.choices import DocumentKind

    doc = services.create_document(cast.campaign, DocumentKind.BULLETIN, actor=cast.office_user)
    assert recount.mismatches(doc) == []
    real = services.render

    def one_more_done(d):
        draft, data = real(d)
        draft.figures["tasks_done"] += 1
        return draft, data

    monkeypatch.setattr(services, "render", one_more_done)
    (wrong,) = recount.mismatches(doc)
    assert "任务" in wrong and "文中" in wrong
