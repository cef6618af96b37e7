import django_filters
from django import forms

from shian.campaigns.models import Campaign
from shian.core.filtersets import SearchFilterSet
from shian.framework.models import Category
from shian.organisation.models import Unit
from shian.workplan.choices import STATUS_FILTER_CHOICES
from shian.workplan.models import Task


def _campaigns(request):
    if request is None:
        return Campaign.objects.none()
    return Campaign.objects.restrict(request.user)


def _units(request):
    if request is None:
        return Unit.objects.none()
    return Unit.objects.restrict(request.user).filter(is_active=True)


def _categories(request):
    if request is None:
        return Category.objects.none()
    frameworks = Campaign.objects.restrict(request.user).values("framework_id")
    return Category.objects.filter(framework_id__in=frameworks).select_related("framework")


class TaskFilterSet(SearchFilterSet):
    """Used by the task list page, its xlsx export and the API."""

    search_fields = ("title", "description", "latest_note", "unit__name", "unit__short_name", "item__code")
    campaign = django_filters.ModelChoiceFilter(queryset=_campaigns, label="创建项目")
    unit = django_filters.ModelChoiceFilter(queryset=_units, label="责任单位")
    category = django_filters.ModelChoiceFilter(
        queryset=_categories, field_name="item__indicator__category", label="类别"
    )
    status = django_filters.ChoiceFilter(choices=STATUS_FILTER_CHOICES, method="filter_status", label="状态")
    deadline_after = django_filters.DateFilter(
        field_name="deadline",
        lookup_expr="gte",
        label="时限起",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    deadline_before = django_filters.DateFilter(
        field_name="deadline",
        lookup_expr="lte",
        label="时限止",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Task
        fields = ["q", "campaign", "unit", "category", "status", "deadline_after", "deadline_before"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated and user.region_scope is None and not user.is_admin:
            # 我的任务: a unit only ever sees its own tasks, so choosing a unit means nothing.
            self.filters.pop("unit", None)
            self.form.fields.pop("unit", None)

    def filter_status(self, queryset, name, value):
        return queryset.with_status_filter(value) if value else queryset
