from django.utils import timezone

from shian.inspections.credit import credit_file, frequency
from shian.inspections.testing import complete, drawn_plan_with_visits
from shian.registry.models import Business
from shian.registry.testing import make_business
from shian.supervision.models import CaseRecord, SamplingRecord


def test_the_credit_file_links_ledgers_by_name_and_gives_watch_reasons(cast, login):
    b = make_business(cast.town, 1, name="潼川镇 老王小吃店", risk_grade="C")
    today = timezone.localdate()
    SamplingRecord.objects.create(
        number="S1",
        region=cast.town,
        sampled_on=today,
        task_type="supervision",
        result="不合格",
        sampled_unit="潼川镇老王小吃店",
        product="凉面",
        failed_items="菌落总数",
    )
    SamplingRecord.objects.create(
        number="S2",
        region=cast.town,
        sampled_on=today,
        task_type="supervision",
        result="合格",
        sampled_unit="别家店",
    )
    CaseRecord.objects.create(
        number="C1",
        region=cast.town,
        opened_on=today,
        party="潼川镇老王小吃店",
        case_type="经营超过保质期食品",
    )
    file = credit_file(b, cast.office_user)
    assert [s.number for s in file["sampling"]] == ["S1"] and len(file["cases"]) == 1
    assert file["watch_reasons"][:2] == ["抽检不合格", "有执法案件1件"]
    assert file["behind"] and file["rule"].min_per_year == 2
    assert credit_file(b, cast.other_office_user)["sampling"] == []  # ledgers stay scoped
    page = login(cast.office_user).get(f"/registry/{b.pk}/").content.decode()
    assert "菌落总数" in page and "重点监控" in page and "频次不足" in page


def test_frequency_lists_businesses_behind_their_grade(cast, login):
    _plan, visits = drawn_plan_with_visits(cast)
    done = complete(visits[0], cast.expert)
    Business.objects.filter(pk=done.business_id).update(risk_grade="A")  # 1/年 required, 1 done
    behind, summary = frequency(Business.objects.restrict(cast.office_user), timezone.localdate().year)
    ids = {r["business"].pk for r in behind}
    assert done.business_id not in ids
    assert len(ids) == Business.objects.restrict(cast.office_user).exclude(pk=done.business_id).count()
    assert sum(r["behind"] for r in summary) == len(behind)
    page = login(cast.town_liaison).get("/inspections/frequency/").content.decode()
    assert "芦溪镇" not in page.split("frequency-behind")[1]  # a township sees its own businesses only
    response = login(cast.office_user).get("/inspections/frequency/?export=xlsx")
    assert response.status_code == 200
