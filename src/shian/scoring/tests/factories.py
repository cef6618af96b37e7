"""Helpers for scoring tests: an assessment of the cast campaign, scored."""

from decimal import Decimal

from shian.scoring import services


def self_assessment(cast, **kw):
    return services.create_assessment(
        cast.campaign, actor=cast.office_user, title=kw.pop("title", "三台县自评"), **kw
    )


def score(cast, assessment, item, points=None, **kw):
    """Score `item` as the office, against the version it has now (re-scoring needs it)."""
    if "expected_version" not in kw:
        current = assessment.scores.filter(item=item).values_list("version", "scored_at").first()
        kw["expected_version"] = current[0] if current and current[1] else None
    return services.score_item(
        assessment,
        item,
        actor=cast.office_user,
        points=None if points is None else Decimal(str(points)),
        **kw,
    )


def expert(cast, username, name=""):
    from shian.organisation.choices import Role
    from shian.testing import make_user

    return make_user(username, None, Role.EXPERT, name or username)
