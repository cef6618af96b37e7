"""The outside channels: e-mail over SMTP, 企业微信 / 钉钉 group robots, SMS through one HTTP gateway.

Each `send_*` function sends one message and raises `DeliveryError` (with a Chinese reason) when the
other side refuses or cannot be reached; the delivery job retries. Configuration comes from settings
(environment variables, see README 配置 → 消息通知) and is read at call time.
"""

import base64
import hashlib
import hmac
import json
import smtplib
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from django.conf import settings

from shian.notifications.choices import Channel

TIMEOUT = 10


class DeliveryError(Exception):
    pass


# --- e-mail ------------------------------------------------------------------------------------


@dataclass
class SmtpConfig:
    host: str
    port: int
    username: str
    password: str
    security: str  # "none" | "starttls" | "ssl"
    verify: bool
    timeout: int


def parse_email_url(url: str) -> SmtpConfig | None:
    """smtp://user:pass@host:25 (plain, or ?tls=starttls), smtp+starttls://… (STARTTLS), smtps://… (TLS from
    the first byte); ?verify=0 accepts a self-signed certificate on an intranet relay; ?timeout=seconds."""
    if not url:
        return None
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    scheme = parts.scheme.lower()
    if scheme not in ("smtp", "smtps", "smtp+starttls", "smtp+tls"):
        raise ValueError(f"SHIAN_EMAIL_URL 的协议“{parts.scheme}”无效，应为 smtp、smtp+starttls 或 smtps")
    security = {"smtps": "ssl", "smtp+starttls": "starttls", "smtp+tls": "starttls"}.get(scheme, "none")
    security = {"ssl": "ssl", "starttls": "starttls", "none": "none"}.get(
        query.get("tls", security), security
    )
    default_port = {"smtps": 465, "smtp+starttls": 587, "smtp+tls": 587}.get(scheme, 25)
    return SmtpConfig(
        host=parts.hostname or "localhost",
        port=parts.port or default_port,
        username=urllib.parse.unquote(parts.username or ""),
        password=urllib.parse.unquote(parts.password or ""),
        security=security,
        verify=query.get("verify", "1") not in ("0", "false", "no"),
        timeout=int(query.get("timeout", TIMEOUT)),
    )


def email_config() -> SmtpConfig | None:
    return parse_email_url(getattr(settings, "SHIAN_EMAIL_URL", ""))


def _tls_context(cfg: SmtpConfig):
    context = ssl.create_default_context()
    if not cfg.verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def send_email(to: str, subject: str, body: str):
    cfg = email_config()
    if cfg is None:
        raise DeliveryError("未配置 SHIAN_EMAIL_URL")
    msg = EmailMessage()
    sender = settings.SHIAN_EMAIL_FROM
    msg["From"] = sender if "<" in sender else formataddr(("食安创城", sender))
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip(">") or "shian")
    msg.set_content(body)
    try:
        if cfg.security == "ssl":
            server = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=cfg.timeout, context=_tls_context(cfg))
        else:
            server = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
        with server:
            if cfg.security == "starttls":
                server.starttls(context=_tls_context(cfg))
            if cfg.username:
                server.login(cfg.username, cfg.password)
            server.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"邮件发送失败：{exc}") from exc


# --- HTTP (robots and SMS) ---------------------------------------------------------------------


def _check_host(url: str):
    """Robot URLs are typed in by the office: only the configured robot hosts are called (no SSRF)."""
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    allowed = [h.lower() for h in settings.SHIAN_ROBOT_ALLOWED_HOSTS]
    if host not in allowed:
        raise DeliveryError(f"机器人地址的主机“{host}”不在允许列表 SHIAN_ROBOT_ALLOWED_HOSTS 中")


def _http(url: str, data: bytes | None, headers: dict, method: str = "POST") -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 — hosts checked by callers
            return response.status, response.read(65536).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code}：{exc.read(500).decode('utf-8', 'replace')}") from exc
    except (OSError, ValueError) as exc:
        raise DeliveryError(f"无法连接：{exc}") from exc


def _post_json(url: str, payload: dict) -> dict:
    status, text = _http(
        url,
        json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        {"Content-Type": "application/json; charset=utf-8"},
    )
    try:
        answer = json.loads(text)
    except ValueError:
        raise DeliveryError(f"机器人返回的不是 JSON：{text[:200]}") from None
    if answer.get("errcode", 0) != 0:
        raise DeliveryError(f"机器人拒绝：errcode={answer.get('errcode')} {answer.get('errmsg', '')}")
    return answer


def _markdown(subject: str, body: str, url: str) -> str:
    text = f"**{subject}**\n\n{body}"
    if url:
        text += f"\n\n[打开查看]({url})"
    return text


def wecom_payload(subject: str, body: str, url: str = "") -> dict:
    """企业微信群机器人 markdown message (content at most 4096 bytes)."""
    content = _markdown(subject, body, url)
    return {
        "msgtype": "markdown",
        "markdown": {"content": content.encode("utf-8")[:4000].decode("utf-8", "ignore")},
    }


def send_wecom(hook_url: str, subject: str, body: str, url: str = ""):
    _check_host(hook_url)
    _post_json(hook_url, wecom_payload(subject, body, url))


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉加签: base64(HmacSHA256(secret, "timestamp\\nsecret")), then URL-encoded."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), string_to_sign, digestmod=hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def dingtalk_url(hook_url: str, secret: str, timestamp_ms: int | None = None) -> str:
    if not secret:
        return hook_url
    timestamp_ms = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    sep = "&" if "?" in hook_url else "?"
    return f"{hook_url}{sep}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def dingtalk_payload(subject: str, body: str, url: str = "") -> dict:
    return {"msgtype": "markdown", "markdown": {"title": subject[:60], "text": _markdown(subject, body, url)}}


def send_dingtalk(hook_url: str, secret: str, subject: str, body: str, url: str = ""):
    _check_host(hook_url)
    _post_json(dingtalk_url(hook_url, secret), dingtalk_payload(subject, body, url))


# --- SMS ---------------------------------------------------------------------------------------


def sms_configured() -> bool:
    return bool(getattr(settings, "SHIAN_SMS_URL", ""))


def sms_text(subject: str, body: str) -> str:
    text = f"{settings.SHIAN_SMS_SIGN}{subject}"
    first = (body or "").strip().splitlines()[0] if (body or "").strip() else ""
    if first:
        text += f"：{first}"
    return text[:300]


def send_sms(phone: str, text: str):
    """One generic adapter: SHIAN_SMS_URL is a template with {phone} {text} {user} {password} (URL-encoded);
    with SHIAN_SMS_METHOD=POST, SHIAN_SMS_BODY is a JSON template with the same names (JSON-escaped).
    Success: a 2xx answer that contains SHIAN_SMS_SUCCESS (when set)."""
    if not sms_configured():
        raise DeliveryError("未配置 SHIAN_SMS_URL")
    values = {
        "phone": phone,
        "text": text,
        "user": settings.SHIAN_SMS_USER,
        "password": settings.SHIAN_SMS_PASSWORD,
    }
    url = settings.SHIAN_SMS_URL
    for name, value in values.items():
        url = url.replace("{" + name + "}", urllib.parse.quote(value, safe=""))
    headers = {}
    if settings.SHIAN_SMS_TOKEN:
        headers["Authorization"] = f"Bearer {settings.SHIAN_SMS_TOKEN}"
    method = settings.SHIAN_SMS_METHOD.upper()
    data = None
    if method == "POST":
        body = settings.SHIAN_SMS_BODY or '{"phone": {phone}, "text": {text}}'
        for name, value in values.items():
            body = body.replace("{" + name + "}", json.dumps(value, ensure_ascii=False))
        data = body.encode("utf-8")
        headers["Content-Type"] = "application/json; charset=utf-8"
    status, answer = _http(url, data, headers, method=method)
    expected = settings.SHIAN_SMS_SUCCESS
    if expected and expected not in answer:
        raise DeliveryError(f"短信网关未确认发送：{answer[:200]}")


def configured_channels() -> list[str]:
    """The outside channels switched on by configuration (robots: when any hook exists)."""
    out = []
    if email_config() is not None:
        out.append(Channel.EMAIL)
    if sms_configured():
        out.append(Channel.SMS)
    return out
