"""The heavy pages issue a bounded number of queries whatever the data size, and their cached
figures follow every change of the data on the very next request.

The same pages are built at two sizes (×1 and ×5 tasks, problems, materials, ledger records and
indicator definitions); the query count may not grow with the data. A first request computes the
cached figures (cold); a repeated one reads them (warm, ≤ 20 queries).
"""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shian.evidence import services as evidence
from shian.evidence.tests.factories import SHITANG, docx_bytes, upload
from shian.organisation.choices import UnitKind
from shian.organisation.models import Unit
from shian.rectification.models import Problem
from shian.supervision.tests.factories import bulk_samples, indicator
from shian.workplan.models import Task

WARM_LIMIT = 20
# Cold: the dashboard computes task, unit, category, dispatch, problem, material, readiness and
# indicator figures once (a fixed number of grouped queries) before they are cached; after ledger writes,
# the indicator roll-ups spend their marks first (a fixed number per ledger source: test_rollup.py).
COLD_LIMIT = {"dashboard": 50, "gap": 30}
PAGES = {
    "dashboard": "/dashboard/?campaign={campaign}",
    "tasks": "/tasks/",
    "problems": "/rectification/",
    "materials": "/evidence/",
    "matrix": "/evidence/matrix/?campaign={campaign}",
    "gap": "/scoring/gap/?campaign={campaign}",
    "indicators": "/supervision/",
    "indicator": "/supervision/indicators/{indicator}/",
}


def grow(cast, size: int, indicators: int | None = None):
    """size × (3 units, 40 tasks, 12 problems, 4 materials, 600 sampling records, 3 indicators)."""
    from shian.scoring.tests.factories import score, self_assessment

    today = datetime.date.today()
    units = [
        Unit.objects.create(name=f"规模单位{size}-{i}", kind=UnitKind.MEMBER, region=cast.county)
        for i in range(3 * size)
    ]
    Task.objects.bulk_create(
        [
            Task(
                campaign=cast.campaign,
                item=cast.items[i % len(cast.items)],
                unit=units[i % len(units)],
                title=f"任务{i}",
                deadline=today + datetime.timedelta(days=i % 30 - 10),
                status=["pending", "in_progress", "done"][i % 3],
            )
            for i in range(40 * size)
        ]
    )
    problems = Problem.objects.bulk_create(
        [
            Problem(
                campaign=cast.campaign,
                description=f"问题{i}",
                unit=units[i % len(units)],
                severity=["red", "orange", "yellow", "blue"][i % 4],
                deadline=today - datetime.timedelta(days=i % 5),
                points=Decimal(1),
            )
            for i in range(12 * size)
        ]
    )
    Problem.items.through.objects.bulk_create(
        [
            Problem.items.through(problem_id=p.pk, scoringitem_id=cast.items[i % len(cast.items)].pk)
            for i, p in enumerate(problems)
        ]
    )
    requirement = cast.items[1].materials.get()
    evidence.upload_materials(
        cast.campaign,
        [upload(f"清单{i}.docx", docx_bytes(*SHITANG, str(i))) for i in range(4 * size)],
        actor=cast.edu_liaison,
        requirement=requirement,
        extract=False,
    )
    bulk_samples(
        cast.town, 600 * size, start=today - datetime.timedelta(days=400), days=400, prefix=f"S{size}-"
    )
    defs = [
        indicator(
            code=f"scale{size}_{i}",
            name=f"规模指标{i}",
            scoring_item=cast.items[2],
            owner_region=cast.county,
            target=Decimal(1 + i),
        )
        for i in range(indicators or 3 * size)
    ]
    assessment = self_assessment(cast)
    for item in cast.items:
        score(cast, assessment, item, points=item.points / 2)
    return defs[0]


@pytest.fixture
def scaled(cast, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    first = grow(cast, 1)
    return {"campaign": cast.campaign.pk, "indicator": first.pk}


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def measure(client, params) -> dict:
    """{page: (cold, warm)} query counts: first request after clearing the cache, then a repeat."""
    out = {}
    for page, url in PAGES.items():
        cache.clear()
        cold = count_queries(client, url.format(**params))
        out[page] = (cold, count_queries(client, url.format(**params)))
    return out


def test_heavy_pages_issue_bounded_queries_that_do_not_grow_with_the_data(cast, login, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    client = login(cast.office_user)
    sizes = []
    # ×1, then ×5 in all. More than the dashboard's 12 key figures from the start, so both sizes read
    # key figures and thresholds as two batches (with fewer, the second batch is the first one's cache hit).
    for size, indicators in ((1, 13), (4, None)):
        first = grow(cast, size, indicators)
        client.get(PAGES["dashboard"].format(campaign=cast.campaign.pk))  # roll-ups built, marks spent
        sizes.append(measure(client, {"campaign": cast.campaign.pk, "indicator": first.pk}))
    for counts in sizes:
        for page, (cold, warm) in counts.items():
            assert cold <= COLD_LIMIT.get(page, WARM_LIMIT), f"{page}: {cold} queries before caching"
            assert warm <= WARM_LIMIT, f"{page}: {warm} queries"
    assert sizes[0] == sizes[1]
    assert Task.objects.filter(campaign=cast.campaign).count() >= 200  # the data did grow


def test_a_change_to_the_data_shows_on_the_next_dashboard_request(cast, login, scaled):
    from shian.workplan import services as workplan

    client = login(cast.office_user)
    url = PAGES["dashboard"].format(**scaled)
    before = client.get(url).context["counts"]
    assert client.get(url).context["counts"] == before  # served from the cache
    task = Task.objects.filter(campaign=cast.campaign, status="in_progress").first()
    workplan.complete_task(task, actor=cast.office_user, expected_version=task.version)
    after = client.get(url).context["counts"]
    assert after["done"] == before["done"] + 1 and after["in_progress"] == before["in_progress"] - 1


def test_an_import_and_a_correction_show_in_the_indicator_values_at_once(cast, login, scaled):
    from shian.supervision.importer import import_ledger
    from shian.supervision.tests.test_import import HEAD, xlsx

    client = login(cast.office_user)
    url = PAGES["indicator"].format(**scaled)

    def numerator():
        return client.get(url).context["ev"].numerator

    before = numerator()
    assert numerator() == before
    start = client.get(url).context["period"].start_ym  # inside the period the page judges
    day = datetime.date(start // 100, start % 100, 15).isoformat()
    row = ["IMP0001", day, cast.town.name, "某超市", "流通", "蔬菜", "韭菜", "监督抽检", "合格", "无需处置"]
    assert import_ledger("sampling", xlsx([HEAD, row]), actor=cast.office_user).ok
    assert numerator() == before + 1
    moved = [*row[:2], cast.other_county.name, *row[3:]]  # a correction moves it out of our county
    cast.office_user.refresh_from_db()
    result = import_ledger("sampling", xlsx([HEAD, moved]), actor=cast.admin)
    assert result.ok, result.errors
    assert numerator() == before
