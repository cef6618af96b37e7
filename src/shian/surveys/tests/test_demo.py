"""The demo's surveys: realistic rates, quotas from population, quizzes by unit."""


def test_demo_surveys(db):
    from shian.core.demo import build_demo
    from shian.surveys.figures import pass_by_unit, quota_fill, survey_rates
    from shian.surveys.models import Survey

    build_demo()
    sat = Survey.objects.get(kind="satisfaction")
    overall, towns = survey_rates(sat)
    assert overall.n > 300 and 0.7 < overall.rate < 0.95 and len(towns) == 20
    assert all(0 < q["share"] <= 1 for q in quota_fill(sat))
    quiz = Survey.objects.get(kind="quiz")
    units = pass_by_unit(quiz)
    assert len(units) == 10 and any(u.rate < 1 for u in units)
    assert {s.kind for s in Survey.objects.all()} == {"satisfaction", "awareness", "support", "quiz"}
