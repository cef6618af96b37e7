"""Small builders for supervision tests."""

import datetime
import itertools

from shian.supervision.models import IndicatorDefinition, Metric, MetricForm, SamplingRecord

_seq = itertools.count(1)


def sample(region, on, task_type="监督抽检", result="合格", **kw):
    n = kw.pop("number", None) or f"T{next(_seq):08d}"
    return SamplingRecord.objects.create(
        number=n, region=region, sampled_on=on, task_type=task_type, result=result, **kw
    )


def bulk_samples(region, count, start=datetime.date(2020, 1, 1), days=1096, prefix="B", **kw):
    """`count` records spread evenly over `days` days from `start` (bypasses save: sets period columns)."""
    rows = []
    for i in range(count):
        d = start + datetime.timedelta(days=i * days // count)
        rows.append(
            SamplingRecord(
                number=f"{prefix}{i:07d}",
                region=region,
                region_path=region.path,
                year=d.year,
                ym=d.year * 100 + d.month,
                sampled_on=d,
                task_type=kw.get("task_type", "监督抽检"),
                result=kw.get("result", "合格"),
            )
        )
    SamplingRecord.objects.bulk_create(rows, batch_size=5000)


def indicator(code="sampling_per_1000", **kw):
    defaults = dict(
        name="食品抽检量",
        formula="per_1000",
        numerator={"source": "sampling", "agg": "count"},
        value_unit="批次/千人·年",
        target=4,
    )
    defaults.update(kw)
    return IndicatorDefinition.objects.create(code=code, **defaults)


def metric_form(
    code="mclz",
    frequency="quarter",
    metrics=(("mclz_total", "学校食堂数", "last"), ("mclz_done", "已实施明厨亮灶数", "last")),
    **kw,
):
    form = MetricForm.objects.create(
        code=code, name=kw.pop("name", "明厨亮灶建设情况"), frequency=frequency, **kw
    )
    for i, (mcode, name, agg) in enumerate(metrics, start=1):
        Metric.objects.create(form=form, code=mcode, name=name, aggregation=agg, seq=i)
    return form
