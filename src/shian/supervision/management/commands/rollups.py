import time

from django.core.management.base import BaseCommand

from shian.supervision import rollup
from shian.supervision.models import IndicatorDefinition, LedgerRollup


class Command(BaseCommand):
    help = "预汇总计算指标读取的台账（按区划、月份）：导入大批数据或新建指标后运行，首次查询不必等待汇总"

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="删除已有的预汇总并重新计算")

    def handle(self, rebuild=False, **options):
        started = time.perf_counter()
        specs = rollup.definition_specs(IndicatorDefinition.objects.all())
        counts = rollup.build(specs, rebuild=rebuild)
        seconds = time.perf_counter() - started
        for source, n in sorted(counts.items()):
            self.stdout.write(f"{source}：{n} 个汇总口径")
        self.stdout.write(
            f"共 {sum(counts.values())} 个口径、{LedgerRollup.objects.count()} 行预汇总，用时 {seconds:.1f} 秒"
        )
