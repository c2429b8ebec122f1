"""Configuration read from the environment (see API.md, "Configuration")."""
import os
from pathlib import Path


def database_url_from_env(instance_path: str) -> str:
    """Return the SQLAlchemy URL: ``DATABASE_URL`` or a SQLite file under ``instance/``.

    ``postgres://`` and ``postgresql://`` URLs are pointed at the psycopg 3 driver.
    """
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "leye_events.sqlite3")
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class DefaultConfig:
    """Defaults; every key can be overridden by a ``FLASK_``-prefixed variable."""

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_CN", "en")
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_LOGIN = "10 per minute;50 per hour"
    RATELIMIT_SIGNUP = "60 per hour"  # a classroom may sign up together from one campus address
    RATELIMIT_TOKEN = "10 per minute;50 per hour"
    RATELIMIT_REGISTRATION = "20 per minute"
    RATELIMIT_SMS_CODE = "5 per minute;30 per hour"  # per address; one code a minute per phone regardless
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PRIVACY_NOTICE_VERSION = "2026-11"
    # Web logins last a day, or 30 days with "remember me"; API tokens a year (devices at the door).
    LOGIN_SESSION_DAYS = 1
    LOGIN_SESSION_REMEMBER_DAYS = 30
    REMEMBER_COOKIE_DURATION = 30 * 24 * 3600
    API_TOKEN_DAYS = 365
    # A worker remembers a resolved API token this long: a revocation made elsewhere bites within it.
    API_TOKEN_CACHE_SECONDS = 5
    # Wrong passwords in a row before an account refuses logins for a while.
    LOGIN_LOCKOUT_THRESHOLD = 10
    LOGIN_LOCKOUT_MINUTES = 15
    # Number of trusted reverse proxies in front of the app (nginx: 1), so that rate limits and
    # logs see the visitor's address from X-Forwarded-For instead of the proxy's.
    PROXY_COUNT = 0
    MAX_CONTENT_LENGTH = 4 * 1024 * 1024
    # The site's public address, for links in mail sent outside a request.
    PUBLIC_URL = ""
    # Notifications (see README, "Notifications"). The queue: empty = a SQLite file under instance/,
    # redis://… in production, memory:// in tests. make run sets NOTIFY_EMBEDDED_WORKER=1.
    NOTIFY_QUEUE_URL = ""
    NOTIFY_EMBEDDED_WORKER = False
    NOTIFY_MAX_ATTEMPTS = 5
    NOTIFY_RETRY_SECONDS = 30
    # Claiming a message before sending it. Only tests turn this off, to show the double send it prevents.
    NOTIFY_CLAIM_ENABLED = True
    SMS_BACKEND = "log"  # log | webhook | aliyun
    SMS_WEBHOOK_URL = ""
    SMS_ALIYUN_ACCESS_KEY_ID = ""
    SMS_ALIYUN_ACCESS_KEY_SECRET = ""
    SMS_ALIYUN_SIGN_NAME = ""
    SMS_ALIYUN_TEMPLATES = ""  # JSON {"kind" or "default": "SMS_123456789"}; the template's parameter is ${text}
    SMS_ALIYUN_ENDPOINT = ""  # default dysmsapi.aliyuncs.com
    # Outgoing mail, through the notification worker. Without MAIL_SERVER mail is only logged.
    MAIL_SERVER = ""
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_FROM = "乐业活动 <noreply@leye.example>"
    # Row locks for capacity and check-in. Only tests turn this off, to show the race it prevents.
    LOCKING_ENABLED = True
    # The door: an offline scan keeps its device time only if uploaded within this many hours of it;
    # a door logs at most this many unknown codes per event and hour (more are answered, not stored).
    CHECKIN_OFFLINE_MAX_DELAY_HOURS = 24
    CHECKIN_UNKNOWN_CODES_LOGGED_PER_HOUR = 60
    EVENTS_PER_PAGE = 20
    # An anonymous visitor's catalogue page (home) is kept this long per worker and served again: a fair's
    # announcement sends hundreds of phones to the same page at once. Its seat numbers may be this old;
    # the event page and the registration are always live. 0 switches the cache off (the tests).
    PAGE_CACHE_SECONDS = 5
    # Compiled templates kept on disk (Jinja's bytecode cache), so a worker loads them instead of compiling
    # each on its first page (~2 MiB less per worker, and a faster first page). "" = Jinja's own private
    # directory under the system's temp dir; a template edited is recompiled (the cache checks the source).
    TEMPLATE_BYTECODE_CACHE = True
    TEMPLATE_BYTECODE_CACHE_DIR = ""
    API_PAGE_SIZE = 50
    API_MAX_PAGE_SIZE = 200
    # Retention periods in days for `flask privacy purge` (0 switches a step off). The audit log
    # keeps at least 180 days (PRC Cybersecurity Law art. 21); PostgreSQL refuses to delete younger entries.
    RETENTION_PROSPECT_DAYS = 365
    RETENTION_CLOSED_CASE_DAYS = 3 * 365
    RETENTION_AUDIT_DAYS = 3 * 365
    RETENTION_CANCELLED_EVENT_CHECKIN_DAYS = 90
