from django import forms

from shian.surveys.choices import Channel, SurveyKind


class NewSurveyForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=SurveyKind.choices)
    title = forms.CharField(label="名称", max_length=120, required=False, help_text="留空则使用标准问卷名称")


class QuotaForm(forms.Form):
    township = forms.IntegerField(label="乡镇（街道）", widget=forms.Select)
    target = forms.IntegerField(label="目标样本量", min_value=1, max_value=100000)


class LinkForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100, required=False)
    township = forms.IntegerField(label="乡镇（街道）", required=False)
    unit = forms.IntegerField(label="答题单位", required=False)
    channel = forms.ChoiceField(label="渠道", choices=Channel.choices, initial=Channel.LINK)
