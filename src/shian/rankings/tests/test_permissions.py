import datetime

import pytest

from shian.rankings import services
from shian.rankings.models import RankingScheme
from shian.rankings.signals import register_signal


@pytest.fixture
def run(cast):
    register_signal("test_perm", "测试", "any", lambda c, s, e: {cast.edu.pk: 90, cast.market.pk: 10})
    scheme = RankingScheme.objects.create(
        campaign=cast.campaign, name="月度排名", weights={"test_perm": 1}, red_count=1, black_count=1
    )
    return services.compute_ranking(scheme, datetime.date(2026, 5, 1), actor=cast.office_user)


def test_the_other_county_gets_404(cast, login, run):
    c = login(cast.other_office_user)
    assert c.get(run.get_absolute_url()).status_code == 404
    assert c.get(run.get_absolute_url() + "?export=xlsx").status_code == 404
    assert c.get(run.scheme.get_absolute_url()).status_code == 404


def test_units_read_the_run_and_export_it(cast, login, run):
    c = login(cast.edu_liaison)
    page = c.get(run.get_absolute_url())
    assert page.status_code == 200 and "教育局" in page.content.decode()
    assert c.get(run.get_absolute_url() + "?export=docx").status_code == 200


def test_only_the_office_computes_from_the_page(cast, login, run):
    url = f"/rankings/schemes/{run.scheme_id}/compute/"
    assert login(cast.edu_liaison).post(url, {"month": "2026-06"}).status_code == 403
    assert login(cast.office_user).post(url, {"month": "2026-06"}).status_code == 302
    assert run.scheme.runs.count() == 2
