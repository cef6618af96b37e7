"""Form base classes: Bootstrap styling, the acting user, and the edit version for concurrency."""

from django import forms

from shian.core.services import ConcurrentEditError, save_versioned


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
        self._style()


class VersionedModelForm(StyledFormMixin, forms.ModelForm):
    """A ModelForm that carries the version it was loaded at and refuses stale saves."""

    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["edit_version"] = self.instance.version
        self._style()

    def save(self, commit=True):
        obj = super().save(commit=False)
        if not commit:
            return obj
        expected = self.cleaned_data.get("edit_version") if obj.pk else None
        if obj.pk and expected is None:
            raise ConcurrentEditError()
        save_versioned(obj, expected)
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
