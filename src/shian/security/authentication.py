"""Token authentication whose tokens expire (kept apart from tokens.py: DRF imports it while starting up)."""

import datetime

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


def token_expires_at(token) -> datetime.datetime:
    return token.created + datetime.timedelta(days=settings.SHIAN_TOKEN_DAYS)


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if settings.SHIAN_TOKEN_DAYS and token_expires_at(token) <= timezone.now():
            token.delete()
            raise exceptions.AuthenticationFailed("令牌已过期，请重新获取（POST /api/token/）")
        return user, token
