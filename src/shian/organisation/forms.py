from django import forms
from django.core.exceptions import ValidationError

from shian.core.forms import StyledForm, VersionedModelForm
from shian.core.uploads import GatedFileField
from shian.organisation.choices import Role
from shian.organisation.models import Region, Unit, User


class RegionForm(VersionedModelForm):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "population"]


class UnitForm(VersionedModelForm):
    class Meta:
        model = Unit
        fields = [
            "name",
            "short_name",
            "kind",
            "region",
            "contact_person",
            "contact_phone",
            "sort_order",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scope = self.user.region_scope if self.user and not self.user.is_admin else None
        if scope is not None:
            self.fields["region"].queryset = Region.objects.filter(path__startswith=scope.path)


class UserForm(VersionedModelForm):
    """Create or edit an account; a new account gets the password typed here."""

    password = forms.CharField(
        label="密码",
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="新建时必填；编辑时留空表示不修改",
    )

    class Meta:
        model = User
        fields = ["username", "name", "unit", "role", "phone", "email", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from shian.organisation.accounts import grantable_roles

        user = self.user
        if user and not user.is_admin:
            self.fields["unit"].queryset = Unit.objects.restrict(user, "change")
        # The roles this user may grant (organisation/accounts.py); an office: unit accounts only.
        allowed = set(grantable_roles(user))
        self.fields["role"].choices = [c for c in Role.choices if c[0] in allowed]
        self._before = (
            User.objects.select_related("unit").get(pk=self.instance.pk) if self.instance.pk else None
        )

    def clean(self):
        data = super().clean()
        if not self.instance.pk and not data.get("password"):
            raise ValidationError({"password": "新建用户必须设置密码"})
        if data.get("role") not in (Role.ADMIN, Role.EXPERT) and not data.get("unit"):
            raise ValidationError({"unit": "该角色必须指定所属单位"})
        if data.get("role"):
            from django.core.exceptions import PermissionDenied

            from shian.organisation.accounts import check_account_change

            try:
                check_account_change(
                    self.user,
                    before=self._before,
                    role=data["role"],
                    unit=data.get("unit"),
                    is_superuser=self.instance.is_superuser,
                )
            except PermissionDenied as exc:
                raise ValidationError({"role": str(exc)})
        if data.get("password"):
            from django.contrib.auth.password_validation import validate_password

            try:
                validate_password(data["password"], self.instance)
            except ValidationError as exc:
                raise ValidationError({"password": exc.messages})
        return data

    def save(self, commit=True):
        obj = super().save(commit=False)
        if commit:
            from shian.organisation.services import save_user

            expected = self.cleaned_data.get("edit_version") if obj.pk else None
            save_user(
                obj,
                actor=self.user,
                password=self.cleaned_data.get("password") or None,
                expected_version=expected,
            )
        return obj


class ImportForm(StyledForm):
    file = GatedFileField(label="文件", help_text="支持 .xlsx / .xls / .csv（UTF-8 或 GBK）", use="import")
