import django_filters

from shian.campaigns.models import Campaign
from shian.core.filtersets import SearchFilterSet
from shian.reports.choices import DocumentKind
from shian.reports.models import Document


def _campaigns(request):
    if request is None:
        return Campaign.objects.none()
    return Campaign.objects.restrict(request.user)


class DocumentFilterSet(SearchFilterSet):
    """Used by the document list page, its xlsx export and the API."""

    search_fields = ("title", "doc_number", "period")
    campaign = django_filters.ModelChoiceFilter(queryset=_campaigns, label="创建项目")
    kind = django_filters.ChoiceFilter(choices=DocumentKind.choices, label="文种")

    class Meta:
        model = Document
        fields = ["q", "campaign", "kind"]
