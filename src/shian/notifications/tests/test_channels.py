"""Each outside channel against a real local server: SMTP, 企业微信 and 钉钉 robots, the SMS gateway."""

import pytest

from shian.notifications import channels
from shian.notifications.choices import Event
from shian.notifications.hooks import notify_event
from shian.notifications.models import Delivery, RobotHook


@pytest.mark.parametrize(
    "url,security,port,user",
    [
        ("smtp://127.0.0.1:2525", "none", 2525, ""),
        ("smtp://user:p%40ss@mail.anlan.example?tls=starttls", "starttls", 25, "user"),
        ("smtp+starttls://user:pw@mail.anlan.example", "starttls", 587, "user"),
        ("smtps://user:pw@mail.anlan.example", "ssl", 465, "user"),
    ],
)
def test_it_reads_the_email_url_with_its_tls_options(url, security, port, user):
    cfg = channels.parse_email_url(url)
    assert (cfg.security, cfg.port, cfg.username) == (security, port, user)


def test_it_decodes_credentials_and_refuses_unknown_schemes():
    assert channels.parse_email_url("smtp://u:p%40ss@h:25").password == "p@ss"
    assert channels.parse_email_url("smtps://u:p@h?verify=0").verify is False
    with pytest.raises(ValueError, match="SHIAN_EMAIL_URL"):
        channels.parse_email_url("http://h")


def test_it_sends_an_email_with_a_chinese_subject(smtp_server):
    channels.send_email("zhang@anlan.example", "材料被退回：责任清单", "请补充盖章页")
    assert smtp_server.messages[0]["subject"] == "材料被退回：责任清单"
    assert smtp_server.messages[0]["from"] == "noreply@anlan.example"


def test_an_unreachable_smtp_server_is_a_delivery_error(settings):
    settings.SHIAN_EMAIL_URL = "smtp://127.0.0.1:9?timeout=2"
    with pytest.raises(channels.DeliveryError, match="邮件发送失败"):
        channels.send_email("a@anlan.example", "s", "b")


def test_wecom_robot_gets_its_markdown_message(cast, http_server, on_commit):
    RobotHook.objects.create(
        name="教育局工作群", kind="wecom", url=http_server.url("/cgi-bin/webhook/send?key=abc"), unit=cast.edu
    )
    with on_commit():
        notify_event(
            Event.ROUND_URGED,
            cast.edu_task,
            units=[cast.edu],
            campaign=cast.campaign,
            title="催报：5月调度",
            body="三台县教育局尚未报送",
        )
    call = http_server.calls[0]
    assert call["method"] == "POST" and call["query"] == {"key": ["abc"]}
    assert call["json"]["msgtype"] == "markdown"
    content = call["json"]["markdown"]["content"]
    assert content.startswith("**催报：5月调度**") and "三台县教育局尚未报送" in content
    assert f"/tasks/{cast.edu_task.pk}/" in content


def test_dingtalk_robot_gets_a_signed_markdown_message(cast, http_server, on_commit):
    secret = "SEC0123456789abcdef"
    http_server.dingtalk_secret = secret
    RobotHook.objects.create(
        name="创建工作群",
        kind="dingtalk",
        url=http_server.url("/robot/send?access_token=t0k"),
        secret=secret,
        campaign=cast.campaign,
    )
    with on_commit():
        notify_event(
            Event.ROUND_URGED,
            cast.campaign,
            campaign=cast.campaign,
            title="催报：5月调度",
            body="以下2个单位尚未报送",
        )
    call = http_server.calls[0]
    assert call["query"]["access_token"] == ["t0k"]
    assert http_server.check_dingtalk_signature(call["query"])
    assert call["json"]["msgtype"] == "markdown" and call["json"]["markdown"]["title"] == "催报：5月调度"
    assert Delivery.objects.get().status == "sent"


def test_a_wrong_dingtalk_secret_is_refused_by_the_robot(cast, http_server, on_commit):
    http_server.dingtalk_secret = "SECright"
    RobotHook.objects.create(
        name="创建工作群",
        kind="dingtalk",
        url=http_server.url("/robot/send?access_token=t"),
        secret="SECwrong",
        campaign=cast.campaign,
    )
    with on_commit():
        notify_event(Event.ROUND_URGED, cast.campaign, campaign=cast.campaign, title="催报")
    d = Delivery.objects.get()
    assert d.status == "pending" and "310000" in d.last_error


def test_the_dingtalk_signature_matches_the_documented_recipe():
    # DingTalk's documented example: sign = urlencode(base64(HmacSHA256(secret, timestamp + "\n" + secret)))
    import base64
    import hashlib
    import hmac
    import urllib.parse

    ts, secret = 1577808000000, "SECxyz"
    raw = base64.b64encode(hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest())
    assert channels.dingtalk_sign(secret, ts) == urllib.parse.quote_plus(raw)
    assert channels.dingtalk_url("https://oapi.dingtalk.com/robot/send?access_token=a", secret, ts).endswith(
        f"&timestamp={ts}&sign={urllib.parse.quote_plus(raw)}"
    )


def test_sms_goes_through_the_configured_get_template(cast, http_server, settings, material, on_commit):
    settings.SHIAN_SMS_URL = http_server.url("/sms/send?u={user}&p={password}&to={phone}&msg={text}")
    settings.SHIAN_SMS_USER, settings.SHIAN_SMS_PASSWORD = "anlan", "s3cret&x"
    settings.SHIAN_SMS_SIGN = "【安澜县食安办】"
    cast.edu_liaison.phone = "13900000001"
    cast.edu_liaison.save()
    from shian.evidence.services import return_material

    with on_commit():
        return_material(material, "缺少盖章页", actor=cast.office_user, expected_version=material.version)
    call = http_server.calls[0]
    assert call["method"] == "GET"
    assert call["query"]["to"] == ["13900000001"] and call["query"]["p"] == ["s3cret&x"]
    assert call["query"]["msg"][0].startswith("【安澜县食安办】材料被退回")


def test_sms_post_json_template_and_success_marker(http_server, settings):
    settings.SHIAN_SMS_URL = http_server.url("/api/sms")
    settings.SHIAN_SMS_METHOD = "POST"
    settings.SHIAN_SMS_BODY = '{"mobile": {phone}, "content": {text}, "account": {user}}'
    settings.SHIAN_SMS_USER = "anlan"
    settings.SHIAN_SMS_TOKEN = "tok"
    settings.SHIAN_SMS_SUCCESS = '"errcode": 0'
    channels.send_sms("13900000002", '【食安创城】含"引号"的短信')
    call = http_server.calls[0]
    assert call["json"] == {
        "mobile": "13900000002",
        "content": '【食安创城】含"引号"的短信',
        "account": "anlan",
    }
    assert call["headers"]["Authorization"] == "Bearer tok"
    http_server.answer = {"errcode": 1}
    with pytest.raises(channels.DeliveryError, match="短信网关未确认"):
        channels.send_sms("13900000002", "x")
