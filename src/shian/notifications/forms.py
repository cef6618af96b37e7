from django import forms

from shian.notifications.choices import Event


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
