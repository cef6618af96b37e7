from shian.organisation.management.commands._importing import ImportCommand


class Command(ImportCommand):
    help = "导入单位（xlsx/xls/csv：单位名称、类型、区划代码、简称、联系人、联系电话）"
    kind = "units"
