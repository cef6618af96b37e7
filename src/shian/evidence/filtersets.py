import django_filters

from shian.core.filtersets import SearchFilterSet
from shian.evidence.choices import Flag, MaterialStatus, TextStatus
from shian.evidence.models import Material


class MaterialFilterSet(SearchFilterSet):
    search_fields = ("title", "doc_number", "issuer", "requirement__name", "unit__name", "unit__short_name")
    status = django_filters.ChoiceFilter(choices=MaterialStatus.choices, label="审核状态")
    flag = django_filters.ChoiceFilter(choices=Flag.choices, label="自动检查", method="filter_flag")
    text_status = django_filters.ChoiceFilter(choices=TextStatus.choices, label="文字提取")
    unassigned = django_filters.BooleanFilter(
        field_name="requirement", lookup_expr="isnull", label="未指定要求"
    )

    class Meta:
        model = Material
        fields = ["q", "campaign", "unit", "status", "flag", "text_status", "unassigned"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from shian.campaigns.models import Campaign
            from shian.organisation.models import Unit

            self.filters["campaign"].queryset = Campaign.objects.restrict(user)
            self.form.fields["campaign"].queryset = Campaign.objects.restrict(user)
            self.form.fields["unit"].queryset = Unit.objects.restrict(user)
        self.form.fields["campaign"].label = "创建项目"

    def filter_flag(self, queryset, name, value):
        # flags is a JSON list; a text match on the code works on SQLite and PostgreSQL alike.
        from django.db.models import TextField
        from django.db.models.functions import Cast

        return queryset.annotate(_flags=Cast("flags", TextField())).filter(_flags__contains=f'"{value}"')
