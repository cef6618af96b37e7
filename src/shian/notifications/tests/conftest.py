"""Real local servers for the notification tests: an aiosmtpd SMTP server and an http.server that plays
企业微信 / 钉钉 robots and an SMS gateway. Both listen on loopback ports of this project's range."""

import base64
import hashlib
import hmac
import json
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

PORTS = range(8120, 8130)


def _bind_free(factory):
    """Start a server on the first free port of the range (two test workers share it)."""
    last = None
    for port in PORTS:
        try:
            return factory(port), port
        except OSError as exc:
            last = exc
    raise RuntimeError(f"no free port in {PORTS}: {last}")


class SmtpSink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes
        from email.policy import default

        msg = message_from_bytes(envelope.content, policy=default)
        self.messages.append(
            {
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "subject": msg["Subject"],
                "body": msg.get_body(("plain",)).get_content(),
            }
        )
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    from aiosmtpd.controller import Controller

    sink = SmtpSink()

    def start(port):
        probe = socket.socket()
        probe.bind(("127.0.0.1", port))  # fail fast if taken, before aiosmtpd's thread starts
        probe.close()
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        return controller

    controller, port = _bind_free(start)
    settings.SHIAN_EMAIL_URL = f"smtp://127.0.0.1:{port}"
    settings.SHIAN_EMAIL_FROM = "noreply@anlan.example"
    sink.port = port
    yield sink
    controller.stop()


class HttpSink:
    """Records every call; answers like a robot (errcode 0) unless told to fail the next n calls."""

    def __init__(self):
        self.calls = []
        self.fail_next = 0
        self.answer = {"errcode": 0, "errmsg": "ok"}
        self.dingtalk_secret = None

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def check_dingtalk_signature(self, query) -> bool:
        """What DingTalk does: recompute HmacSHA256(secret, "timestamp\\nsecret") and compare."""
        timestamp, sign = query["timestamp"][0], query["sign"][0]
        expected = base64.b64encode(
            hmac.new(
                self.dingtalk_secret.encode(), f"{timestamp}\n{self.dingtalk_secret}".encode(), hashlib.sha256
            ).digest()
        ).decode()
        fresh = abs(int(timestamp) - timezone.now().timestamp() * 1000) < 3600 * 1000
        return fresh and hmac.compare_digest(sign, expected)


@pytest.fixture
def http_server(settings):
    sink = HttpSink()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self):
            parts = urllib.parse.urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode()
            call = {
                "method": self.command,
                "path": parts.path,
                "query": urllib.parse.parse_qs(parts.query),
                "headers": dict(self.headers),
                "json": body,
            }
            sink.calls.append(call)
            if sink.fail_next:
                sink.fail_next -= 1
                self.send_response(500)
                self.end_headers()
                self.wfile.write(b"boom")
                return
            answer = sink.answer
            if (
                parts.path.startswith("/robot/send")
                and sink.dingtalk_secret
                and not sink.check_dingtalk_signature(call["query"])
            ):
                answer = {"errcode": 310000, "errmsg": "sign not match"}
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _handle

        def log_message(self, *args):
            pass

    server, port = _bind_free(lambda p: ThreadingHTTPServer(("127.0.0.1", p), Handler))
    sink.port = port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SHIAN_ROBOT_ALLOWED_HOSTS = ["127.0.0.1"]
    yield sink
    server.shutdown()
    server.server_close()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run a block and then its after-commit work (notifications, jobs) as a real commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def material(cast):
    from shian.evidence.models import Material

    return Material.objects.create(
        campaign=cast.campaign,
        unit=cast.edu,
        title="学校食堂食品安全管理责任清单",
        submitted_at=timezone.now(),
    )


@pytest.fixture(autouse=True)
def daytime(request):
    """Tests run at any hour: the cast's campaigns have no quiet hours unless a test sets them."""
    if "cast" not in request.fixturenames:
        return
    import datetime

    from shian.campaigns.models import Campaign

    cast = request.getfixturevalue("cast")
    Campaign.objects.filter(pk__in=[cast.campaign.pk, cast.other_campaign.pk]).update(
        quiet_start=datetime.time(0, 0), quiet_end=datetime.time(0, 0)
    )
    for c in (cast.campaign, cast.other_campaign):
        c.refresh_from_db()
