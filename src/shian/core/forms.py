"""Form base classes: Bootstrap styling, the acting user, choices limited to what the user may see,
and the edit version for concurrency."""

from django import forms

from shian.core.services import save_versioned


def restrict_choices(form, user):
    """Every model choice offers only rows `user` may see (NetBox's restrict_form_fields): a form can
    never be used to point a record at another county's framework, unit or campaign."""
    if user is None:
        return
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is not None and hasattr(queryset, "restrict"):
            field.queryset = queryset.restrict(user, "view")


class StyledFormMixin:
    def _style(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")
            if isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("rows", 3)


class StyledForm(StyledFormMixin, forms.Form):
    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        restrict_choices(self, user)
        self._style()


class VersionedModelForm(StyledFormMixin, forms.ModelForm):
    """A ModelForm that carries the version it was loaded at and refuses stale saves."""

    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["edit_version"] = self.instance.version
        restrict_choices(self, user)
        self._style()

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("edit_version") is None:
            raise forms.ValidationError("缺少读取时的版本号，修改未保存。请刷新页面后重新提交。")
        return cleaned

    def save(self, commit=True):
        obj = super().save(commit=False)
        if not commit:
            return obj
        save_versioned(obj, self.cleaned_data.get("edit_version") if obj.pk else None)
        self.save_m2m()
        return obj


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")
