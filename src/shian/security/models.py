"""Security records: failed logins (for lockout) and the password history (for the reuse rule)."""

from django.conf import settings
from django.db import models


class LoginFailure(models.Model):
    """One failed login, kept to count failures per account and per address (lockout)."""

    audit_filter_kind = True  # the audit page filters by it (core.filtersets)

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    username = models.CharField("用户名", max_length=150, db_index=True)
    ip_address = models.CharField("来源地址", max_length=45, db_index=True)
    channel = models.CharField("入口", max_length=20, blank=True, help_text="页面、接口或后台")

    class Meta:
        verbose_name = verbose_name_plural = "登录失败记录"
        ordering = ["-at"]

    def __str__(self):
        return f"{self.username}@{self.ip_address}"


class PasswordHistory(models.Model):
    """A password hash the user had; a new password may not repeat the last few."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="password_history",
    )
    password = models.CharField("密码哈希", max_length=256)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "历史密码"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.user_id} {self.at:%Y-%m-%d}"
