"""Settings for shian, read from environment variables.

Every variable is documented in README.md (配置). Defaults give the embedded deployment: SQLite in
./var, files in ./var/media, background jobs run in-process. Production sets DATABASE_URL
(PostgreSQL), SHIAN_CELERY_BROKER_URL (Redis) and SHIAN_S3_* (MinIO).
"""

import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Where the embedded default keeps its database, uploads and generated files.
DATA_DIR = Path(env_str("SHIAN_DATA_DIR", str(Path.cwd() / "var"))).resolve()

DEBUG = env_bool("SHIAN_DEBUG", False)
# pytest (>= 8.2) announces itself in PYTEST_VERSION; tests get throwaway folders and eager jobs.
TESTING = env_bool("SHIAN_TESTING", "PYTEST_VERSION" in os.environ)
if TESTING:
    DATA_DIR = Path(tempfile.mkdtemp(prefix="shian-test-"))

_secret = env_str("SHIAN_SECRET_KEY")
if not _secret:
    # No key configured: keep a random one in the data folder so sessions survive restarts,
    # rather than shipping a known default.
    _key_file = DATA_DIR / "secret_key"
    if _key_file.exists():
        _secret = _key_file.read_text().strip()
    else:
        _secret = secrets.token_urlsafe(50)
        try:
            DATA_DIR.mkdir(parents=True, exist_ok=True)
            _key_file.write_text(_secret)
            _key_file.chmod(0o600)
        except OSError:
            pass
SECRET_KEY = _secret

ALLOWED_HOSTS = env_list("SHIAN_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("SHIAN_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # shian domains, in the order everything hangs on them
    "shian.core",
    "shian.security",
    "shian.organisation",
    "shian.framework",
    "shian.campaigns",
    "shian.workplan",
    "shian.dispatch",
    "shian.evidence",
    "shian.scoring",
    "shian.rectification",
    "shian.readiness",
    "shian.supervision",
    "shian.registry",
    "shian.inspections",
    "shian.surveys",
    "shian.incidents",
    "shian.showcase",
    "shian.community",
    "shian.rankings",
    "shian.stewardship",
    "shian.reports",
    "shian.notifications",
    "shian.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "shian.security.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "shian.security.middleware.SessionPolicyMiddleware",
    "shian.security.middleware.AccountGateMiddleware",
    "shian.stewardship.middleware.BusinessAccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "shian.core.middleware.CurrentActorMiddleware",
    "shian.core.middleware.RefusedWriteMiddleware",
]

ROOT_URLCONF = "shian.urls"
WSGI_APPLICATION = "shian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shian.core.context_processors.navigation",
                "shian.campaigns.context_processors.campaign_switcher",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'shian.sqlite3'}"),
        conn_max_age=env_int("SHIAN_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets readers run while the in-process job thread writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        # IMMEDIATE: a transaction takes the write lock up front, so the job thread and a request
        # wait for each other instead of failing with "database is locked" on lock upgrade.
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organisation.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "shian.security.passwords.LengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "shian.security.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "shian.security.passwords.UsernameValidator"},
    {"NAME": "shian.security.passwords.CommonPasswordValidator"},
    {"NAME": "shian.security.passwords.HistoryValidator", "OPTIONS": {"keep": 5}},
]
# Argon2id first (等保: passwords stored with a strong one-way function); older hashes still verify
# and are upgraded on the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "shian.security.lockout.LockoutBackend",  # refuses locked accounts/addresses before any password check
    "django.contrib.auth.backends.ModelBackend",
]
# Login lockout: LIMIT failures of one account or one address within WINDOW minutes lock it for LOCK minutes.
SHIAN_LOCKOUT_LIMIT = env_int("SHIAN_LOCKOUT_LIMIT", 5)
SHIAN_LOCKOUT_WINDOW_MINUTES = env_int("SHIAN_LOCKOUT_WINDOW_MINUTES", 15)
SHIAN_LOCKOUT_MINUTES = env_int("SHIAN_LOCKOUT_MINUTES", 30)
# Client address for lockout and audit: REMOTE_ADDR, or the first X-Forwarded-For hop when behind a proxy.
SHIAN_TRUST_X_FORWARDED_FOR = env_bool("SHIAN_TRUST_X_FORWARDED_FOR", False)
# Second factor (TOTP) for 系统管理员 and 创建办. Off under pytest unless a test turns it on; `shian run`
# with the demo data turns it off unless the variable is set explicitly (see README).
SHIAN_REQUIRE_2FA = env_bool("SHIAN_REQUIRE_2FA", not TESTING)
# Heavy read pages kept until a table they read is written (core/pagecache.py); off under the test
# suite, whose query counts it would change, except in its own tests.
SHIAN_PAGE_CACHE = env_bool("SHIAN_PAGE_CACHE", not TESTING)
SHIAN_REQUIRE_2FA_EXPLICIT = "SHIAN_REQUIRE_2FA" in os.environ
OTP_TOTP_ISSUER = "食安创城"
# Sessions: idle timeout and absolute lifetime; API tokens expire after SHIAN_TOKEN_DAYS.
SHIAN_SESSION_IDLE_MINUTES = env_int("SHIAN_SESSION_IDLE_MINUTES", 30)
SHIAN_SESSION_MAX_HOURS = env_int("SHIAN_SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = SHIAN_SESSION_MAX_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SHIAN_TOKEN_DAYS = env_int("SHIAN_TOKEN_DAYS", 30)
# Passwords older than this many days must be changed at the next login (0 = never).
SHIAN_PASSWORD_MAX_DAYS = env_int("SHIAN_PASSWORD_MAX_DAYS", 90)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("SHIAN_STATIC_ROOT", str(DATA_DIR / "static")))
MEDIA_URL = "/media/"  # never served directly: downloads go through permission-checked views
MEDIA_ROOT = Path(env_str("SHIAN_MEDIA_ROOT", str(DATA_DIR / "media")))
WHITENOISE_USE_FINDERS = True  # the embedded default serves static files without collectstatic
try:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing folder
except OSError:
    pass

# Files: local folder by default, S3-compatible object storage (MinIO, SeaweedFS, …) when configured.
# Switching is configuration only: the same SHIAN_S3_* variables for the web process and the workers.


def default_storage_from(environ) -> dict:
    """The default storage backend for these SHIAN_S3_* variables (the tests build theirs with it too)."""
    bucket = environ.get("SHIAN_S3_BUCKET", "")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": environ.get("SHIAN_S3_ENDPOINT_URL") or None,
            "access_key": environ.get("SHIAN_S3_ACCESS_KEY", ""),
            "secret_key": environ.get("SHIAN_S3_SECRET_KEY", ""),
            "region_name": environ.get("SHIAN_S3_REGION") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }


S3_BUCKET = env_str("SHIAN_S3_BUCKET")
STORAGES = {
    "default": default_storage_from(os.environ),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# `shian serve` (production) collects static files once into STATIC_ROOT with hashed names and
# gzip/brotli copies; WhiteNoise then serves them with far-future cache headers. `shian run` keeps
# serving them straight from the packages (no collectstatic step).
SHIAN_STATIC_MANIFEST = env_bool("SHIAN_STATIC_MANIFEST", False)
if SHIAN_STATIC_MANIFEST:
    STORAGES["staticfiles"] = {"BACKEND": "shian.core.staticfiles.CompressedManifestStorage"}
    WHITENOISE_USE_FINDERS = False

# Cache for expensive, rarely changing figures (shian.core.cache keys them by the data generation, so
# any backend is correct): per process by default, shared when SHIAN_CACHE_URL names a Redis database.
CACHE_URL = env_str("SHIAN_CACHE_URL")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 2000}}
}

# Upload limits (bytes). Files above FILE_UPLOAD_MAX_MEMORY_SIZE stream to a temporary file.
SHIAN_MAX_UPLOAD_MB = env_int("SHIAN_MAX_UPLOAD_MB", 100)  # one evidence file (佐证材料)
SHIAN_MAX_UPLOAD_BYTES = SHIAN_MAX_UPLOAD_MB * 1024 * 1024
SHIAN_MAX_EVIDENCE_FILE_MB = env_int("SHIAN_MAX_EVIDENCE_FILE_MB", 20)  # 整改佐证 and other attachments
SHIAN_MAX_IMPORT_MB = env_int("SHIAN_MAX_IMPORT_MB", 50)  # any spreadsheet / YAML import
SHIAN_MAX_UNZIPPED_MB = env_int("SHIAN_MAX_UNZIPPED_MB", 500)  # a ZIP/DOCX/XLSX, all members inflated
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Background jobs: Celery on Redis when a broker is configured, otherwise a thread in-process.
CELERY_BROKER_URL = env_str("SHIAN_CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = env_str("SHIAN_CELERY_QUEUE", "shian")
CELERY_TASK_ACKS_LATE = False  # at most once: a job half-done by a lost worker is failed, not re-run
CELERY_TASK_REJECT_ON_WORKER_LOST = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # long jobs: a worker takes one at a time
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
SHIAN_JOBS_MODE = "celery" if CELERY_BROKER_URL else env_str("SHIAN_JOBS_MODE", "thread")
# Crash recovery: running jobs beat every HEARTBEAT seconds; no beat for STALE seconds = the process died.
SHIAN_JOB_HEARTBEAT_SECONDS = env_int("SHIAN_JOB_HEARTBEAT_SECONDS", 30)
SHIAN_JOB_STALE_SECONDS = env_int("SHIAN_JOB_STALE_SECONDS", 180)

# Notifications (issue 11). Outside channels are off until configured; see README 配置 → 消息通知.
SHIAN_SITE_URL = env_str("SHIAN_SITE_URL", "http://127.0.0.1:8000")  # links in e-mails and robot posts
SHIAN_EMAIL_URL = env_str("SHIAN_EMAIL_URL")  # smtp://user:pass@host:25, smtp+starttls://…:587, smtps://…:465
SHIAN_EMAIL_FROM = env_str("SHIAN_EMAIL_FROM", "noreply@shian.invalid")
SHIAN_ROBOT_ALLOWED_HOSTS = env_list("SHIAN_ROBOT_ALLOWED_HOSTS", "qyapi.weixin.qq.com,oapi.dingtalk.com")
SHIAN_SMS_URL = env_str("SHIAN_SMS_URL")  # template with {phone} {text} {user} {password}
SHIAN_SMS_METHOD = env_str("SHIAN_SMS_METHOD", "GET")
SHIAN_SMS_BODY = env_str("SHIAN_SMS_BODY")  # JSON template for POST
SHIAN_SMS_USER = env_str("SHIAN_SMS_USER")
SHIAN_SMS_PASSWORD = env_str("SHIAN_SMS_PASSWORD")
SHIAN_SMS_TOKEN = env_str("SHIAN_SMS_TOKEN")
SHIAN_SMS_SIGN = env_str("SHIAN_SMS_SIGN", "【食安创城】")
SHIAN_SMS_SUCCESS = env_str("SHIAN_SMS_SUCCESS")  # text the gateway's answer must contain
SHIAN_NOTIFY_MAX_ATTEMPTS = env_int("SHIAN_NOTIFY_MAX_ATTEMPTS", 5)
SHIAN_SCHEDULER = env_bool("SHIAN_SCHEDULER", True)  # the in-process scheduler of `shian run`
SHIAN_REMIND_INTERVAL = env_int("SHIAN_REMIND_INTERVAL", 15)  # minutes between reminder passes

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: a bad or expired token then answers 401 with WWW-Authenticate, not 403.
        "shian.security.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "shian.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "食安创城 shian API",
    "DESCRIPTION": "国家食品安全示范城市 / 省级食品安全示范县创建与评审系统的 REST 接口。"
    "会话或令牌认证（Authorization: Token <key>），权限与页面一致。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI and Redoc from the installed sidecar package: intranets have no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set that several apps call "status"/"kind"/"role" (else check --deploy warns).
    "ENUM_NAME_OVERRIDES": {
        "DutyKindEnum": "shian.stewardship.choices.DutyKind",
        "DocumentKindEnum": "shian.reports.choices.DocumentKind",
        "UnitRoleEnum": "shian.framework.choices.UnitRole",
        "UserRoleEnum": "shian.organisation.choices.Role",
        "ProblemStatusEnum": "shian.rectification.choices.Status",
        "TaskStatusEnum": "shian.workplan.choices.TaskStatus",
        "CampaignStatusEnum": "shian.campaigns.choices.CampaignStatus",
        "RoundStatusEnum": "shian.dispatch.choices.RoundStatus",
        "ReportStatusEnum": "shian.dispatch.choices.ReportStatus",
        "MaterialStatusEnum": "shian.evidence.choices.MaterialStatus",
        "TextStatusEnum": "shian.evidence.choices.TextStatus",
        "SummonsStatusEnum": "shian.rectification.choices.SummonsStatus",
        "AssessmentStatusEnum": "shian.scoring.choices.AssessmentStatus",
        "DisposalStatusEnum": "shian.supervision.choices.DisposalStatus",
        "ImportStatusEnum": "shian.supervision.choices.ImportStatus",
        "ScoringMethodEnum": "shian.framework.choices.Method",
        "VerifyMethodEnum": "shian.rectification.choices.VerifyMethod",
        "CadreLevelEnum": "shian.stewardship.choices.CadreLevel",
        "StepResultEnum": "shian.stewardship.choices.STEP_RESULTS",
        "BusinessLevelEnum": "shian.registry.choices.BaobaoLevel",
        "IncidentLevelEnum": "shian.incidents.choices.Level",
        "IncidentKindEnum": "shian.incidents.choices.Kind",
        "ActivityKindEnum": "shian.community.choices.ActivityKind",
        "OptionKindEnum": "shian.community.choices.OptionKind",
        "SurveyKindEnum": "shian.surveys.choices.SurveyKind",
        "SurveyChannelEnum": "shian.surveys.choices.Channel",
        "InterviewChannelEnum": "shian.surveys.choices.INTERVIEW_CHANNELS",
        "QuestionKindEnum": "shian.surveys.choices.QuestionKind",
        "SurveyAccessEnum": "shian.surveys.choices.Access",
        "FileKindEnum": "shian.showcase.choices.FileKind",
        "IncidentEventKindEnum": "shian.incidents.choices.EventKind",
        "SpecialCampaignStatusEnum": "shian.incidents.choices.SpecialStatus",
        "SpecialSiteStatusEnum": "shian.incidents.choices.SiteStatus",
    },
}

DJANGO_TABLES2_TEMPLATE = "core/table.html"
DJANGO_TABLES2_PAGE_RANGE = 7

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SHIAN_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# HTTPS: the TLS terminator (nginx) sets X-Forwarded-Proto; these are off until the deployment has HTTPS.
SECURE_SSL_REDIRECT = env_bool("SHIAN_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SHIAN_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SHIAN_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SHIAN_HSTS_PRELOAD", False)
if env_bool("SHIAN_BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's probe speaks plain HTTP
# Content-Security-Policy: everything from this origin, no inline script or style (see security/middleware.py).
SHIAN_CSP_REPORT_ONLY = env_bool("SHIAN_CSP_REPORT_ONLY", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("SHIAN_LOG_LEVEL", "WARNING")},
    "loggers": {
        "shian": {"handlers": ["console"], "level": env_str("SHIAN_LOG_LEVEL", "INFO"), "propagate": False}
    },
}

if TESTING:
    # Live-server threads must not keep connections open, or PostgreSQL refuses to drop the test database.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
    SHIAN_JOBS_MODE = "eager"
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        # A file, not SQLite's in-memory default: the Celery worker the distributed tests start is
        # another process and must open the same test database (pytest-django adds the xdist suffix).
        DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
