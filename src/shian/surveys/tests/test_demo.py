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
    # Interviews with realistic response rates, weighted results with every breakdown, printed code cards.
    from shian.surveys.figures import response_rates, survey_results

    calls = response_rates(sat)["total"]
    assert calls["calls"] >= 90 and 0.2 < calls["response_rate"] < 0.7
    results = survey_results(sat)
    assert results["gate"] is not None and 0 <= results["chance"] <= 1
    assert {key for key, _, group in results["by"] if len(group) > 1} == {
        "township",
        "area",
        "age",
        "channel",
    }
    support = Survey.objects.get(kind="support")
    assert support.access == "codes" and support.code_batches.get().codes.count() == 40
