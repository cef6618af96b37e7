import pytest

from shian.surveys.figures import Rate, wilson


@pytest.mark.parametrize(
    "positive,n,low,high",
    [
        # hand-computed: p=0.8, n=100, z=1.96 → centre 0.7889, half 0.0778
        (80, 100, 0.7112, 0.8666),
        (0, 10, 0.0, 0.2775),
        (10, 10, 0.7225, 1.0),
        # 唐山 pre-survey scale (83.66 %): centre 0.83596, half 0.01600
        (1715, 2050, 0.8200, 0.8520),
    ],
)
def test_wilson_against_hand_computed_cases(positive, n, low, high):
    lo, hi = wilson(positive, n)
    assert lo == pytest.approx(low, abs=1e-4)
    assert hi == pytest.approx(high, abs=1e-4)


def test_wilson_without_sample_and_rate():
    assert wilson(0, 0) == (0.0, 0.0)
    r = Rate("x", 4, 3)
    assert r.rate == 0.75 and r.low < 0.75 < r.high
    assert Rate("x", 0, 0).rate is None
