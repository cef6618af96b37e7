from django import forms

from shian.core.forms import DateInput, StyledForm, VersionedModelForm
from shian.organisation.models import Region, Unit
from shian.registry.models import Business, SiteCategory


class BusinessForm(VersionedModelForm):
    class Meta:
        model = Business
        fields = [
            "name",
            "credit_code",
            "licence_no",
            "category",
            "region",
            "address",
            "longitude",
            "latitude",
            "status",
            "risk_grade",
            "baobao_level",
            "legal_person",
            "phone",
            "safety_director",
            "safety_officer",
            "licence_valid_until",
            "bright_kitchen",
            "sunshine_food",
            "liability_insurance",
            "supervising_unit",
        ]
        widgets = {"licence_valid_until": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.user
        self.fields["category"].queryset = SiteCategory.objects.filter(is_active=True)
        scope = (
            None
            if user is None or user.is_admin
            else (user.region_scope or (user.unit.region if user.unit_id else None))
        )
        regions = Region.objects.filter(level__gte=3)
        units = Unit.objects.filter(is_active=True)
        if scope is not None:
            regions = regions.filter(path__startswith=scope.path)
            units = units.filter(region__path__startswith=scope.path)
        self.fields["region"].queryset = regions
        self.fields["supervising_unit"].queryset = units


class ImportForm(StyledForm):
    file = forms.FileField(label="主体库文件", help_text="xlsx、xls 或 csv（GBK/UTF-8 均可）")
