"""Password policy (等保 身份鉴别): length, three of four character classes, not the username, not one of
the last five passwords; Chinese messages. The history validator's `password_changed` hook also does
what every password change must do: remember the hash, revoke API tokens, force a change after a
reset by someone else, and write the audit row.
"""

import re

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone

CLASSES = [
    ("大写字母", re.compile(r"[A-Z]")),
    ("小写字母", re.compile(r"[a-z]")),
    ("数字", re.compile(r"[0-9]")),
    ("符号", re.compile(r"[^A-Za-z0-9\s]")),
]


class LengthValidator:
    def __init__(self, min_length=8):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                f"密码至少需要 {self.min_length} 个字符（当前 {len(password)} 个）", code="too_short"
            )

    def get_help_text(self):
        return f"至少 {self.min_length} 个字符"


class CharacterClassValidator:
    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        present = [name for name, rx in CLASSES if rx.search(password)]
        if len(present) < self.min_classes:
            missing = "、".join(name for name, _ in CLASSES if name not in present)
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类（还缺：{missing}）",
                code="too_simple",
            )

    def get_help_text(self):
        return f"包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类"


class UsernameValidator:
    def validate(self, password, user=None):
        if user is None:
            return
        username = (getattr(user, "username", "") or "").lower()
        if len(username) >= 3 and username in password.lower():
            raise ValidationError("密码不能包含用户名", code="contains_username")

    def get_help_text(self):
        return "不能包含用户名"


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError("该密码过于常见，容易被猜中，请换一个", code="password_too_common")

    def get_help_text(self):
        return "不能是常见密码"


class HistoryValidator:
    def __init__(self, keep=5):
        self.keep = keep

    def validate(self, password, user=None):
        if user is None or not user.pk:
            return
        from shian.security.models import PasswordHistory

        hashes = list(
            PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[: self.keep]
        )
        if user.password and user.password not in hashes:
            hashes.insert(0, user.password)
        if any(check_password(password, encoded) for encoded in hashes[: self.keep]):
            raise ValidationError(f"新密码不能与最近 {self.keep} 次使用过的密码相同", code="password_reused")

    def get_help_text(self):
        return f"不能与最近 {self.keep} 次使用过的密码相同"

    def password_changed(self, password, user):
        after_password_change(user, keep=self.keep)


def after_password_change(user, keep=5):
    from rest_framework.authtoken.models import Token

    from shian.core.audit import current_actor, log_security_event
    from shian.organisation.models import User
    from shian.security.models import PasswordHistory

    PasswordHistory.objects.create(user=user, password=user.password)
    old = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(old)).delete()
    revoked, _ = Token.objects.filter(user=user).delete()
    actor = current_actor()
    by_self = actor is not None and actor.pk == user.pk
    # Set by someone else (an account created or reset by an office or administrator): the owner must
    # choose their own at the next login. From the command line (actor unknown) the operator decides.
    must_change = (not by_self) and actor is not None
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(must_change_password=must_change, password_changed_at=now)
    user.must_change_password, user.password_changed_at = must_change, now
    event = "password_changed" if by_self else "password_reset"
    note = (
        "本人修改密码" if by_self else f"密码由{getattr(actor, 'display_name', '系统')}设置，需本人登录后修改"
    )
    if revoked:
        note += f"；作废接口令牌 {revoked} 个"
    log_security_event(event, target=user, note=note)
