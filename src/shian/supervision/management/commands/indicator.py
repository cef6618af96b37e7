from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from shian.organisation.models import Region
from shian.supervision.models import IndicatorDefinition
from shian.supervision.services import _fmt, evaluate_indicator


class Command(BaseCommand):
    help = "计算一个指标：shian indicator CODE --region 区划代码 --period 2022|2022-H1|2022-Q3|2022-06|2020..2022"

    def add_arguments(self, parser):
        parser.add_argument("code", help="指标标识")
        parser.add_argument("--region", required=True, help="区划代码")
        parser.add_argument("--period", default="", help="期间；省略时用指标的默认期间")
        parser.add_argument("--drill-down", action="store_true", help="同时列出下级区划")

    def handle(self, code, region, period, drill_down=False, **options):
        defn = IndicatorDefinition.objects.filter(code=code).first()
        if defn is None:
            raise CommandError(f"指标“{code}”不存在")
        node = Region.objects.filter(code=region).first()
        if node is None:
            raise CommandError(f"区划代码“{region}”不存在")
        try:
            ev = evaluate_indicator(defn, node, period or None, drill_down=drill_down)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages))

        def show(v):
            return "—" if v is None else _fmt(v) if abs(v) >= 1 or v == 0 else f"{v:f}".rstrip("0")

        self.stdout.write(f"{defn.name}（{defn.code}） {ev.region_name} {ev.period_label}")
        self.stdout.write(f"数值：{show(ev.value)} {defn.value_unit}".rstrip())
        self.stdout.write(f"分子：{show(ev.numerator)}")
        self.stdout.write(f"分母：{show(ev.denominator)}")
        self.stdout.write(
            f"目标：{show(ev.target)}" + ("" if ev.met is None else ("（达标）" if ev.met else "（未达标）"))
        )
        if ev.note:
            self.stdout.write(f"说明：{ev.note}")
        for child in ev.children:
            self.stdout.write(f"  {child.region_name}：{show(child.value)}（分子 {show(child.numerator)}）")
