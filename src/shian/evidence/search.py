"""Full-text search over materials in Chinese, one function for SQLite (FTS5) and PostgreSQL.

Text is segmented with jieba (search mode) into space-separated words, stored in
`MaterialText.segmented`. SQLite keeps an FTS5 table `evidence_material_fts` in step through
triggers; PostgreSQL has a GIN index on `to_tsvector('simple', segmented)` (both made in
migration 0002). `search_materials` hides the difference and returns the matching passage.
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe

from shian.evidence.extract import segment_for_index, tokens
from shian.evidence.models import MaterialText

MAX_HITS = 200


@dataclass
class Hit:
    material: object
    passage: str
    score: int


def index_material(material, text: str) -> None:
    """Store the material's text and its segmentation (the database index follows)."""
    body = f"{material.title}\n{text or ''}"
    MaterialText.objects.update_or_create(
        material=material, defaults={"text": text or "", "segmented": segment_for_index(body)}
    )


def query_terms(query: str) -> list[str]:
    """The query's words, long words broken into the dictionary 2-grams the index also holds, so
    that a document segmented differently around the word is still found."""
    import jieba

    terms = []
    for t in tokens(query, keep_single=True):
        pieces = (
            [t[i : i + 2] for i in range(len(t) - 1) if jieba.get_FREQ(t[i : i + 2])] if len(t) > 2 else []
        )
        for piece in pieces or [t]:
            if piece not in terms:
                terms.append(piece)
    return terms[:16]


def _matching_ids_sql(terms: list[str]):
    if connection.vendor == "postgresql":
        return (
            "SELECT material_id FROM evidence_materialtext "
            "WHERE to_tsvector('simple', segmented) @@ plainto_tsquery('simple', %s)",
            [" ".join(terms)],
        )
    if connection.vendor == "sqlite":
        fts = " ".join('"' + t.replace('"', '""') + '"' for t in terms)
        return "SELECT rowid FROM evidence_material_fts WHERE evidence_material_fts MATCH %s", [fts]
    # Other databases: substring match on the segmented words (slow, but correct).
    where = " AND ".join(["segmented LIKE %s"] * len(terms))
    return f"SELECT material_id FROM evidence_materialtext WHERE {where}", [f"%{t}%" for t in terms]


def passage(text: str, terms: list[str], before: int = 30, after: int = 70) -> str:
    """The part of `text` around the first match, HTML-escaped, with the terms in <mark>."""
    text = text or ""
    positions = [(text.lower().find(t), t) for t in sorted(terms, key=len, reverse=True)]
    positions = [(p, t) for p, t in positions if p >= 0]
    if not positions:
        return escape(text[: before + after])
    pos = min(p for p, _ in positions)
    start, end = max(0, pos - before), min(len(text), pos + after)
    snippet = re.sub(r"\s+", " ", text[start:end])
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    out, last = [], 0
    for m in pattern.finditer(snippet):
        out.append(escape(snippet[last : m.start()]))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        last = m.end()
    out.append(escape(snippet[last:]))
    return mark_safe(("…" if start else "") + "".join(out) + ("…" if end < len(text) else ""))


def search_materials(queryset, query: str, limit: int = 50) -> list[Hit]:
    """Materials of `queryset` (already restricted to the user) whose text holds every query word,
    best first, each with the matching passage highlighted."""
    terms = query_terms(query)
    if not terms:
        return []
    sql, params = _matching_ids_sql(terms)
    rows = (
        queryset.filter(pk__in=RawSQL(sql, params))
        .with_related()
        .select_related("body")
        .order_by("-submitted_at")[:MAX_HITS]
    )
    hits = []
    for material in rows:
        body = getattr(material, "body", None)
        text = f"{material.title}\n{body.text if body else ''}"
        lowered = text.lower()
        score = sum(lowered.count(t) for t in terms) + 5 * sum(t in material.title.lower() for t in terms)
        hits.append(Hit(material, passage(text, terms), score))
    hits.sort(key=lambda h: (-h.score, -h.material.pk))
    return hits[:limit]
