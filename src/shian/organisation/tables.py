import django_tables2 as tables

from shian.organisation.models import Region, Unit, User


class RegionTable(tables.Table):
    name = tables.Column(linkify=True)
    parent = tables.Column(verbose_name="上级区划")
    population = tables.Column(attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Region
        fields = ("code", "name", "level", "parent", "population")
        attrs = {"class": "table table-sm table-hover"}


class UnitTable(tables.Table):
    name = tables.Column(linkify=True)
    region = tables.Column(verbose_name="所属区划")
    user_count = tables.Column(verbose_name="用户数", orderable=False, attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Unit
        fields = (
            "name",
            "short_name",
            "kind",
            "region",
            "contact_person",
            "contact_phone",
            "user_count",
            "is_active",
        )
        attrs = {"class": "table table-sm table-hover"}


class UserTable(tables.Table):
    username = tables.Column(linkify=("organisation:user_edit", {"pk": tables.A("pk")}))
    unit = tables.Column(verbose_name="所属单位")

    class Meta:
        model = User
        fields = ("username", "name", "unit", "role", "phone", "is_active", "last_login")
        attrs = {"class": "table table-sm table-hover"}
