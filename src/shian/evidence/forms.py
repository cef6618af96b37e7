from django import forms

from shian.campaigns.models import Campaign
from shian.core.forms import DateInput, StyledForm, VersionedModelForm
from shian.evidence.models import Material
from shian.framework.models import MaterialRequirement
from shian.organisation.models import Unit


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


def requirement_choices(user, campaign=None):
    qs = MaterialRequirement.objects.select_related("item", "provider")
    if campaign is not None:
        qs = qs.filter(item__indicator__category__framework_id=campaign.framework_id)
    else:
        frameworks = Campaign.objects.restrict(user).values("framework_id")
        qs = qs.filter(item__indicator__category__framework_id__in=frameworks)
    return qs.order_by("item__indicator__category__seq", "item__indicator__seq", "item__seq", "seq", "id")


class RequirementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        provider = f"（{obj.provider.short_name or obj.provider.name}）" if obj.provider else ""
        return f"{obj.item.code} {obj.name}{provider}"


class UploadForm(StyledForm):
    campaign = forms.ModelChoiceField(Campaign.objects.none(), label="创建项目", empty_label=None)
    requirement = RequirementChoiceField(
        MaterialRequirement.objects.none(),
        label="材料要求",
        required=False,
        empty_label="不指定（由系统根据内容推荐）",
    )
    unit = forms.ModelChoiceField(
        Unit.objects.none(), label="提供单位", required=False, empty_label="按材料要求的提供单位"
    )
    title = forms.CharField(
        label="标题",
        max_length=200,
        required=False,
        help_text="只上传一个文件时使用；多个文件时以文件名为标题",
    )
    doc_date = forms.DateField(
        label="成文日期", required=False, widget=DateInput, help_text="不填时从文件内容中自动识别"
    )
    issuer = forms.CharField(label="发文机关", max_length=100, required=False)
    doc_number = forms.CharField(
        label="文号", max_length=60, required=False, help_text="如 安食安委〔2025〕3号"
    )
    files = MultipleFileField(
        label="文件", help_text="可多选或拖入，支持 PDF、Word、Excel、JPG/PNG 及其 ZIP 压缩包"
    )

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.user
        self.fields["campaign"].queryset = Campaign.objects.restrict(user).order_by("-created_at")
        self.fields["requirement"].queryset = requirement_choices(user, campaign)
        if user.is_office:
            self.fields["unit"].queryset = Unit.objects.restrict(user, "change").order_by(
                "kind", "sort_order", "name"
            )
        else:
            del self.fields["unit"]


class MaterialEditForm(VersionedModelForm):
    requirement = RequirementChoiceField(
        MaterialRequirement.objects.none(), label="材料要求", required=False, empty_label="未指定"
    )

    class Meta:
        model = Material
        fields = ["title", "requirement", "doc_date", "issuer", "doc_number"]
        widgets = {"doc_date": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = requirement_choices(self.user, self.instance.campaign)


class ReviewForm(StyledForm):
    decision = forms.ChoiceField(label="审核结论", choices=[("approve", "通过"), ("return", "退回")])
    reason = forms.CharField(label="退回原因", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    edit_version = forms.IntegerField(widget=forms.HiddenInput)


class VersionForm(StyledForm):
    file = forms.FileField(label="新版本文件")
    edit_version = forms.IntegerField(widget=forms.HiddenInput)


class ArchiveForm(StyledForm):
    campaign = forms.ModelChoiceField(Campaign.objects.none(), label="创建项目", empty_label=None)
    unit = forms.ModelChoiceField(Unit.objects.none(), label="单位", required=False, empty_label="全部单位")
    only_approved = forms.BooleanField(label="只包含审核通过的材料", required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.restrict(self.user).order_by("-created_at")
        if self.user.is_admin or self.user.region_scope is not None:
            self.fields["unit"].queryset = Unit.objects.restrict(self.user).order_by(
                "kind", "sort_order", "name"
            )
        else:
            del self.fields["unit"]
