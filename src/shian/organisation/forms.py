from django import forms
from django.core.exceptions import ValidationError

from shian.core.forms import StyledForm, VersionedModelForm
from shian.organisation.choices import Role
from shian.organisation.models import Region, Unit, User


class RegionForm(VersionedModelForm):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "population"]


class UnitForm(VersionedModelForm):
    class Meta:
        model = Unit
        fields = ["name", "short_name", "kind", "region", "contact_person", "contact_phone", "sort_order", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scope = self.user.region_scope if self.user and not self.user.is_admin else None
        if scope is not None:
            self.fields["region"].queryset = Region.objects.filter(path__startswith=scope.path)


class UserForm(VersionedModelForm):
    """Create or edit an account; a new account gets the password typed here."""

    password = forms.CharField(label="密码", required=False, widget=forms.PasswordInput(render_value=False),
                               help_text="新建时必填；编辑时留空表示不修改")

    class Meta:
        model = User
        fields = ["username", "name", "unit", "role", "phone", "email", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.user
        if user and not user.is_admin:
            self.fields["unit"].queryset = Unit.objects.restrict(user, "change")
            # An office may create accounts for its units, but not administrators or other offices.
            self.fields["role"].choices = [c for c in Role.choices if c[0] not in (Role.ADMIN,)]

    def clean(self):
        data = super().clean()
        if not self.instance.pk and not data.get("password"):
            raise ValidationError({"password": "新建用户必须设置密码"})
        if data.get("role") not in (Role.ADMIN, Role.EXPERT) and not data.get("unit"):
            raise ValidationError({"unit": "该角色必须指定所属单位"})
        if data.get("password"):
            from django.contrib.auth.password_validation import validate_password

            validate_password(data["password"], self.instance)
        return data

    def save(self, commit=True):
        obj = super().save(commit=False)
        if self.cleaned_data.get("password"):
            obj.set_password(self.cleaned_data["password"])
        if commit:
            from shian.core.services import save_versioned

            expected = self.cleaned_data.get("edit_version") if obj.pk else None
            save_versioned(obj, expected) if obj.pk else obj.save()
        return obj


class ImportForm(StyledForm):
    file = forms.FileField(label="文件", help_text="支持 .xlsx / .xls / .csv（UTF-8 或 GBK）")
