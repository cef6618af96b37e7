from django import forms

from shian.core.forms import VersionedModelForm
from shian.notifications.choices import Event
from shian.notifications.models import RobotHook


class PreferenceForm(forms.Form):
    email_enabled = forms.BooleanField(
        label="接收电子邮件", required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )
    sms_enabled = forms.BooleanField(
        label="接收短信", required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )
    immediate_events = forms.MultipleChoiceField(
        label="立即发送的事项",
        required=False,
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text="勾选的事项发生时立即通过邮件、短信通知；其余事项每天汇总一次发送。站内消息始终即时。",
    )


class UrgeForm(forms.Form):
    note = forms.CharField(
        label="附言",
        required=False,
        max_length=300,
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-sm", "placeholder": "附言（可选）"}
        ),
    )


class RobotHookForm(VersionedModelForm):
    url = forms.URLField(
        label="Webhook 地址",
        max_length=500,
        assume_scheme="https",
        help_text="企业微信：群设置 → 群机器人 → Webhook 地址；钉钉：自定义机器人的 Webhook",
    )
    events = forms.MultipleChoiceField(
        label="推送事项",
        required=False,
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="不选则推送催报、催办、调度截止、材料退回和约谈",
    )

    class Meta:
        model = RobotHook
        fields = ["name", "kind", "url", "secret", "unit", "campaign", "events", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from shian.campaigns.models import Campaign
        from shian.organisation.models import Unit

        self.fields["unit"].queryset = Unit.objects.restrict(self.user, "change")
        self.fields["campaign"].queryset = Campaign.objects.restrict(self.user, "change")
        self.fields["unit"].help_text = "单位的群：接收发给该单位的提醒"
        self.fields["campaign"].help_text = "创建项目的工作群：接收面向全项目的消息（与单位二选一）"
        self.fields["events"].widget.attrs["class"] = "form-check-input"

    def clean_url(self):
        from urllib.parse import urlsplit

        from django.conf import settings

        url = self.cleaned_data["url"]
        host = (urlsplit(url).hostname or "").lower()
        if host not in [h.lower() for h in settings.SHIAN_ROBOT_ALLOWED_HOSTS]:
            raise forms.ValidationError(
                f"Webhook 地址的主机“{host}”不是企业微信或钉钉机器人的地址"
                f"（允许：{'、'.join(settings.SHIAN_ROBOT_ALLOWED_HOSTS)}）"
            )
        return url

    def clean(self):
        data = super().clean()
        if bool(data.get("unit")) == bool(data.get("campaign")):
            raise forms.ValidationError("请选择单位或创建项目（二选一）")
        return data
