"""Document builders, one per kind: `draft(doc)` returns the Draft of a (saved or unsaved) Document."""

from shian.reports.choices import DocumentKind
from shian.reports.documents import assessment, bulletin, circular, summary
from shian.reports.documents.base import Draft, Narrative, resolve

BUILDERS = {
    DocumentKind.BULLETIN: bulletin.build,
    DocumentKind.CIRCULAR: circular.build,
    DocumentKind.SUMMARY: summary.build,
    DocumentKind.SELF_ASSESSMENT: assessment.build_self,
    DocumentKind.REVIEW: assessment.build_review,
}


def draft(doc) -> Draft:
    return BUILDERS[doc.kind](doc)


__all__ = ["BUILDERS", "Draft", "Narrative", "draft", "resolve"]
