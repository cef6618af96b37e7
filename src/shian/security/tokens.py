"""API tokens: issued by `POST /api/token/` (lockout, second factor, audit), expire after
SHIAN_TOKEN_DAYS, and are deleted whenever the password changes (security/passwords.py)."""

from django.contrib.auth import authenticate
from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from shian.core.audit import log_security_event
from shian.security.authentication import token_expires_at
from shian.security.lockout import client_ip, current_lock


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label="用户名")
    password = serializers.CharField(label="密码", style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(
        label="动态验证码",
        required=False,
        allow_blank=True,
        help_text="系统管理员、创建办账号须填写身份验证器上的 6 位动态码或一个恢复码",
    )


class ObtainTokenView(APIView):
    """获取接口令牌：用户名 + 密码（+ 动态码）。失败次数过多会锁定账号和来源地址；令牌有有效期，修改密码后作废。"""

    authentication_classes = []
    permission_classes = [AllowAny]
    serializer_class = TokenRequestSerializer

    def post(self, request):
        from shian.security.middleware import requires_second_factor
        from shian.security.otp import verify_token

        ser = TokenRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        username, password = ser.validated_data["username"], ser.validated_data["password"]
        django_request = request._request
        user = authenticate(django_request, username=username, password=password)
        lock = getattr(django_request, "shian_lock", None) or getattr(
            django_request, "shian_lock_started", None
        )
        if lock is None and user is None:
            lock = current_lock(username, client_ip(request))
        if lock is not None:
            return Response(
                {"detail": lock.message},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(lock.retry_after)},
            )
        if user is None:
            return Response({"detail": "用户名或密码不正确"}, status=status.HTTP_400_BAD_REQUEST)
        if not user.is_active:
            return Response({"detail": "账号已停用"}, status=status.HTTP_400_BAD_REQUEST)
        if user.must_change_password:
            return Response(
                {"detail": "请先在网页上登录并修改初始密码，再获取令牌"}, status=status.HTTP_403_FORBIDDEN
            )
        if requires_second_factor(user):
            from django_otp import user_has_device

            if not user_has_device(user):
                return Response(
                    {"detail": "该账号须先在网页上启用双因素认证，再获取令牌"},
                    status=status.HTTP_403_FORBIDDEN,
                )
            if not verify_token(user, ser.validated_data.get("otp") or "", request=django_request):
                return Response({"otp": ["动态验证码不正确或已过期"]}, status=status.HTTP_400_BAD_REQUEST)
        from shian.security.lockout import clear_failures

        clear_failures(user.username)
        Token.objects.filter(user=user).delete()  # a fresh token (and a fresh expiry) each time
        token = Token.objects.create(user=user)
        expires = token_expires_at(token)
        log_security_event(
            "token_created",
            target=user,
            actor=user,
            ip=client_ip(request),
            note=f"创建接口令牌，有效至 {timezone.localtime(expires):%Y-%m-%d %H:%M}",
        )
        return Response({"token": token.key, "expires_at": expires.isoformat()})
