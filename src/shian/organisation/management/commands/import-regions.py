from shian.organisation.management.commands._importing import ImportCommand


class Command(ImportCommand):
    help = "导入行政区划（xlsx/xls/csv：区划代码、名称、上级代码、层级、常住人口）"
    kind = "regions"
