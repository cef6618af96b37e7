"""Which material requirement a text belongs to: TF-IDF-like weights over jieba words.

Each requirement is described by its name (counted twice: it is the most specific), its
description, its scoring item's content and its indicator's name. A text is scored against every
requirement by cosine similarity of weighted word vectors; the words that contributed most are
returned as the reason ("matched terms"), so the user sees why a requirement is suggested.
"""

import math
from collections import Counter
from dataclasses import dataclass, field

from shian.evidence.extract import tokens
from shian.framework.models import MaterialRequirement

MIN_SCORE = 0.02
_CACHE: dict = {}  # framework id → (stamp, Matcher); per process


@dataclass
class Match:
    requirement_id: int
    name: str
    item_id: int
    indicator_id: int
    indicator: str
    score: float
    terms: list[str] = field(default_factory=list)

    def as_dict(self):
        return {
            "requirement": self.requirement_id,
            "name": self.name,
            "item": self.item_id,
            "indicator_id": self.indicator_id,
            "indicator": self.indicator,
            "score": round(self.score, 4),
            "terms": self.terms,
        }


def requirement_document(req) -> list[str]:
    indicator = req.item.indicator
    return tokens(req.name) * 2 + tokens(req.description) + tokens(req.item.content) + tokens(indicator.name)


class Matcher:
    """TF-IDF vectors of a framework's requirements, built once and reused for many texts."""

    def __init__(self, requirements):
        self.requirements = list(requirements)
        docs = [Counter(requirement_document(r)) for r in self.requirements]
        n = len(docs)
        df = Counter(term for doc in docs for term in doc)
        self.idf = {term: math.log((1 + n) / (1 + count)) + 1 for term, count in df.items()}
        self.vectors = []
        for doc in docs:
            vec = {t: (1 + math.log(c)) * self.idf[t] for t, c in doc.items()}
            norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
            self.vectors.append({t: v / norm for t, v in vec.items()})

    @classmethod
    def for_framework(cls, framework_id):
        """The matcher of a framework, rebuilt only when its requirements or items changed."""
        from django.db.models import Count, Max

        stamp = MaterialRequirement.objects.filter(
            item__indicator__category__framework_id=framework_id
        ).aggregate(n=Count("id"), r=Max("updated_at"), i=Max("item__updated_at"))
        key = (framework_id, stamp["n"], stamp["r"], stamp["i"])
        cached = _CACHE.get(framework_id)
        if cached is not None and cached[0] == key:
            return cached[1]
        matcher = cls._build(framework_id)
        _CACHE[framework_id] = (key, matcher)
        return matcher

    @classmethod
    def _build(cls, framework_id):
        reqs = (
            MaterialRequirement.objects.filter(item__indicator__category__framework_id=framework_id)
            .select_related("item__indicator")
            .order_by("item__indicator__category__seq", "item__indicator__seq", "item__seq", "seq", "id")
        )
        return cls(reqs)

    def text_vector(self, text: str) -> dict[str, float]:
        counts = Counter(t for t in tokens(text) if t in self.idf)
        vec = {t: (1 + math.log(c)) * self.idf[t] for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items()}

    def rank(self, text: str, limit: int = 5) -> list[Match]:
        qvec = self.text_vector(text)
        if not qvec:
            return []
        results = []
        for req, rvec in zip(self.requirements, self.vectors, strict=True):
            contributions = {t: w * rvec[t] for t, w in qvec.items() if t in rvec}
            score = sum(contributions.values())
            if score < MIN_SCORE:
                continue
            terms = [t for t, _ in sorted(contributions.items(), key=lambda kv: (-kv[1], kv[0]))[:6]]
            indicator = req.item.indicator
            results.append(Match(req.pk, req.name, req.item_id, indicator.pk, str(indicator), score, terms))
        results.sort(key=lambda m: (-m.score, m.requirement_id))
        return results[:limit] if limit else results


def suggest_requirements(material, text: str, limit: int = 5) -> list[dict]:
    """Ranked requirement suggestions for a material's text (title included)."""
    matcher = Matcher.for_framework(material.campaign.framework_id)
    return [m.as_dict() for m in matcher.rank(f"{material.title}\n{text}", limit=limit)]
