import django_filters

from shian.campaigns.choices import CampaignLevel, CampaignStatus
from shian.campaigns.models import Campaign
from shian.core.filtersets import SearchFilterSet


class CampaignFilterSet(SearchFilterSet):
    search_fields = ("name", "region__name", "description")
    level = django_filters.ChoiceFilter(choices=CampaignLevel.choices, label="创建类别")
    status = django_filters.ChoiceFilter(choices=CampaignStatus.choices, label="状态")

    class Meta:
        model = Campaign
        fields = ["q", "level", "status"]
