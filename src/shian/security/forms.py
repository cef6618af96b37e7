from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from shian.core.forms import StyledForm


class LockAwareMixin:
    """Says "locked, retry at HH:MM" instead of "wrong password" when the lockout refused the login."""

    error_messages = {
        "invalid_login": "用户名或密码不正确，请重新输入。（连续失败多次将被锁定）",
        "inactive": "该账号已停用。",
    }

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            lock = getattr(self.request, "shian_lock", None) or getattr(
                self.request, "shian_lock_started", None
            )
            if lock is not None:
                self.lock = lock
                raise forms.ValidationError(lock.message, code="locked")
            raise


class LoginForm(LockAwareMixin, AuthenticationForm):
    lock = None


class AdminLoginForm(LockAwareMixin, AdminAuthenticationForm):
    lock = None


class ShianPasswordChangeForm(PasswordChangeForm):
    error_messages = {
        "password_incorrect": "原密码不正确，请重新输入。",
        "password_mismatch": "两次输入的新密码不一致。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "原密码"
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password2"].label = "确认新密码"


class OtpForm(StyledForm):
    token = forms.CharField(
        label="动态验证码",
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text="身份验证器上的 6 位数字；手机丢失时可输入一个恢复码",
    )
