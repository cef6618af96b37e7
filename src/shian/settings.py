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
    # shian domains, in the order everything hangs on them
    "shian.core",
    "shian.organisation",
    "shian.framework",
    "shian.campaigns",
    "shian.workplan",
    "shian.dispatch",
    "shian.evidence",
    "shian.scoring",
    "shian.rectification",
    "shian.supervision",
    "shian.registry",
    "shian.inspections",
    "shian.reports",
    "shian.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
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
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20,
         "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organisation.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
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

# Files: local folder by default, S3-compatible object storage (MinIO) when configured.
S3_BUCKET = env_str("SHIAN_S3_BUCKET")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("SHIAN_S3_ENDPOINT_URL") or None,
            "access_key": env_str("SHIAN_S3_ACCESS_KEY"),
            "secret_key": env_str("SHIAN_S3_SECRET_KEY"),
            "region_name": env_str("SHIAN_S3_REGION") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# Upload limits (bytes). Files above FILE_UPLOAD_MAX_MEMORY_SIZE stream to a temporary file.
SHIAN_MAX_UPLOAD_BYTES = env_int("SHIAN_MAX_UPLOAD_MB", 100) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Background jobs: Celery on Redis when a broker is configured, otherwise a thread in-process.
CELERY_BROKER_URL = env_str("SHIAN_CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
SHIAN_JOBS_MODE = "celery" if CELERY_BROKER_URL else env_str("SHIAN_JOBS_MODE", "thread")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
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
}

DJANGO_TABLES2_TEMPLATE = "core/table.html"
DJANGO_TABLES2_PAGE_RANGE = 7

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SHIAN_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("SHIAN_LOG_LEVEL", "WARNING")},
    "loggers": {"shian": {"handlers": ["console"], "level": env_str("SHIAN_LOG_LEVEL", "INFO"), "propagate": False}},
}

if TESTING:
    # Live-server threads must not keep connections open, or PostgreSQL refuses to drop the test database.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    SHIAN_JOBS_MODE = "eager"
