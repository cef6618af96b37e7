"""Demo surveys: a 群众满意度 pre-survey with quotas from township population and realistic answers,
知晓率 and 支持率 surveys, and a 能问能答 quiz taken by member units' staff."""

import datetime

from shian.core.audit import actor_context
from shian.surveys import services
from shian.surveys.models import CallRecord, Interviewer, Response

# Probability of each option (the first is the most favourable), by survey kind.
LEAN = {
    "satisfaction": [0.36, 0.34, 0.14, 0.10, 0.06],
    "awareness": [0.62, 0.21, 0.17],
    "support": [0.86, 0.09, 0.04, 0.01],
}


def _responses(survey, towns, rng, today, per_town):
    questions = list(survey.questions.all())
    rows = []
    for i, town in enumerate(towns):
        tilt = (i % 5 - 2) * 0.03  # some townships do better than others
        for k in range(per_town(town)):
            # A respondent has one disposition and answers most questions in line with it.
            weights = list(LEAN[survey.kind])
            weights[0] = max(0.01, weights[0] + tilt)
            mood = rng.choices(range(len(weights)), weights=weights)[0]
            answers = {}
            for q in questions:
                shift = rng.choice((-1, 0, 0, 0, 0, 1))
                answers[str(q.seq)] = min(len(q.options) - 1, max(0, mood + shift))
            score, clean = services.score_answers(survey, answers)
            channel = ("door", "link", "student", "phone")[k % 4]
            age = rng.choices(("u30", "30_44", "45_59", "60p", ""), weights=(22, 28, 27, 18, 5))[0]
            rows.append(
                Response(
                    survey=survey,
                    township=town,
                    channel=channel,
                    submitted_on=today - datetime.timedelta(days=rng.randint(0, 20)),
                    age_group=age,
                    answers=clean,
                    score=score,
                    positive=score >= survey.threshold,
                )
            )
    Response.objects.bulk_create(rows, batch_size=500)


def _interviews(survey, interviewer, towns, rng, today):
    """A telephone interviewer's log: realistic outcomes (about one call in three answered)."""
    assignment = Interviewer.objects.create(survey=survey, user=interviewer, channel="phone")
    outcomes = rng.choices(
        ("answered", "refused", "invalid", "no_answer"), weights=(34, 18, 12, 36), k=rng.randint(90, 130)
    )
    CallRecord.objects.bulk_create(
        [
            CallRecord(
                assignment=assignment,
                outcome=o,
                called_on=today - datetime.timedelta(days=rng.randint(0, 10)),
                township=rng.choice(towns) if o == "answered" else None,
            )
            for o in outcomes
        ]
    )


def populate(ctx) -> None:
    rng = ctx.rng
    office = ctx.users["office"]
    campaign = ctx.campaign
    towns = list(ctx.townships)
    total_pop = sum(t.population or 0 for t in towns) or 1
    with actor_context(office):
        sat = services.create_survey(
            campaign, actor=office, kind="satisfaction", title="群众食品安全满意度预调查"
        )
        for t in towns:
            target = max(20, round(600 * (t.population or 0) / total_pop))
            services.set_quota(sat, t, target, actor=office)
        services.create_link(sat, actor=office, name="微信公众号链接")
        for t in towns[:5]:
            services.create_link(sat, actor=office, township=t, channel="door")
        interviewer = ctx.users.get("t01")
        if interviewer is not None:
            _interviews(sat, interviewer, towns, rng, ctx.today)
        targets = {q.township_id: q.target for q in sat.quotas.all()}
        _responses(sat, towns, rng, ctx.today, lambda t: int(targets[t.pk] * rng.uniform(0.55, 1.0)))
        for kind, title in (
            ("awareness", "食品安全示范创建知晓率调查"),
            ("support", "食品安全示范创建支持率调查"),
        ):
            s = services.create_survey(campaign, actor=office, kind=kind, title=title)
            services.create_link(s, actor=office, name="通用链接")
            _responses(s, towns, rng, ctx.today, lambda t: rng.randint(8, 18))
            if kind == "support":  # answered so far by link; from now on by the printed cards
                services.generate_codes(s, 40, actor=office, name="入户答题卡第一批", township=towns[0])
        quiz = services.create_survey(
            campaign, actor=office, kind="quiz", title="能问能答：食品安全法基础（机关干部）"
        )
        units = list(ctx.member_units)[:10]
        questions = list(quiz.questions.all())
        key = {q.seq: next(i for i, o in enumerate(q.options) if o.get("correct")) for q in questions}
        rows = []
        for u in units:
            services.create_link(quiz, actor=office, unit=u)
            skill = rng.uniform(0.65, 0.97)
            for n in range(rng.randint(4, 9)):
                answers = {
                    str(q.seq): (key[q.seq] if rng.random() < skill else rng.randrange(len(q.options)))
                    for q in questions
                }
                score, clean = services.score_answers(quiz, answers)
                rows.append(
                    Response(
                        survey=quiz,
                        unit=u,
                        submitted_on=ctx.today - datetime.timedelta(days=rng.randint(0, 10)),
                        answers=clean,
                        score=score,
                        positive=score >= quiz.threshold,
                        respondent=f"{u.short_name or u.name}干部{n + 1}",
                    )
                )
        Response.objects.bulk_create(rows)
