"""Settings shared by every environment. Values come from the environment (see .env.example)."""

import os
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .envtools import env, env_bool, env_db, env_int, env_list, env_redis_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent

if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# An expired form gets a page in the user's language with a way back, not Django's English one.
CSRF_FAILURE_VIEW = "core.views.csrf_failure"

INSTALLED_APPS = [
    # Django's admin, on a site that asks for a verified second factor (core.admin_site)
    "core.admin_config.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "auditlog",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "committees",
    "branches",
    "units",
    "members",
    "activities",
    "meetings",
    "notices",
    "overview",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the session passed the second step (django-otp)
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
    "core.middleware.IdleTimeoutMiddleware",
    # asks for the code, or for enrolment, before any other page (core/two_factor.py)
    "core.middleware.TwoFactorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env_db("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT compilation: the planner's cost of a page's correlated counts (a committee's
    # branches with their members counted) passes jit_above_cost at city scale, and compiling
    # took 0.5 s of a query that runs in 1 ms (issue 16, EXPLAIN ANALYZE). A web page's short
    # queries never gain from it; reports run in Celery, also without it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: cache, sessions and the Celery broker. Without it: local memory and eager tasks.
REDIS_URL = env_redis_url("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Degrades to a miss when Redis does not answer (core/cache.py): sessions are in
            # the database too, and everything else cached can be rebuilt.
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ddw",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    # Django's cached_db, writing a changed session in one statement (core/cached_db.py)
    SESSION_ENGINE = "core.cached_db"
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Longer than the longest task (large imports and reports), so Redis does not re-deliver it.
# A broker that does not answer fails a send within seconds (core/queue.py keeps the work).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3 * 3600, "socket_connect_timeout": 2}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0,
                                    "interval_step": 0.5, "interval_max": 1}
CELERY_TIMEZONE = "Asia/Shanghai"
# Reminders (meetings/tasks.py), every morning at 08:00 local time; each task decides what
# is due that day and sends nothing twice.
CELERY_BEAT_SCHEDULE: dict = {
    "meeting-reminders": {
        "task": "meetings.tasks.send_meeting_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "overdue-matter-reminders": {
        "task": "meetings.tasks.send_overdue_matter_reminders",
        "schedule": crontab(hour=8, minute=5),
    },
    "term-reminders": {
        "task": "meetings.tasks.send_term_reminders",
        "schedule": crontab(hour=8, minute=10),
    },
    # Commitments kept (overview/commitments.py): the quarterly nudge and the year-end review.
    "commitment-nudges": {
        "task": "overview.tasks.send_commitment_nudges",
        "schedule": crontab(hour=8, minute=20),
    },
    "commitment-review-reminders": {
        "task": "overview.tasks.send_commitment_review_reminders",
        "schedule": crontab(hour=8, minute=25),
    },
    "notice-reminders": {
        "task": "notices.tasks.send_notice_reminders",
        "schedule": crontab(hour=8, minute=15),
    },
    # Roster imports past their keeping time drop what they hold of ID numbers (members/tasks.py).
    "purge-roster-imports": {
        "task": "members.tasks.purge_roster_imports",
        "schedule": crontab(hour=3, minute=40),
    },
    # Expired sessions and old sign-in log rows (addresses, browsers) go (core/tasks.py).
    "clear-sign-in-records": {
        "task": "core.tasks.clear_sign_in_records",
        "schedule": crontab(hour=3, minute=50),
    },
    # Reports by period past their keeping time go, file and row (overview/tasks.py).
    "purge-period-reports": {
        "task": "overview.tasks.purge_period_reports",
        "schedule": crontab(hour=3, minute=30),
    },
    # The district dashboard's kept figures (overview/figures.py), every committee every ten
    # minutes: catches bulk writes (imports) that queue no counting of their own.
    "count-figures": {
        "task": "overview.tasks.count_all_figures",
        "schedule": crontab(minute="*/10"),
    },
    # Work that waits (a roster import, a report) and whose task could not be sent or was lost
    # with the broker is sent again (core/queue.py), and work a dead worker left half-done is
    # put back to waiting and sent (core/work.py); the tasks' claims make it harmless.
    "requeue-roster-imports": {
        "task": "members.tasks.requeue_roster_imports",
        "schedule": crontab(minute="*"),
    },
    "requeue-period-reports": {
        "task": "overview.tasks.requeue_period_reports",
        "schedule": crontab(minute="*"),
    },
}
# Seconds the district page's counted figures are kept in the cache (overview/snapshots.py);
# the page says when they were counted. 0 counts on every view.
DASHBOARD_SNAPSHOT_SECONDS = env_int("DASHBOARD_SNAPSHOT_SECONDS", 300)
# Days a report by period (overview.PeriodReport) is kept for download before it is purged.
PERIOD_REPORT_KEEP_DAYS = env_int("PERIOD_REPORT_KEEP_DAYS", 7)
if not 1 <= PERIOD_REPORT_KEEP_DAYS <= 90:
    raise ImproperlyConfigured(
        f"PERIOD_REPORT_KEEP_DAYS={PERIOD_REPORT_KEEP_DAYS}: keep reports 1 to 90 days."
    )
# Meetings owed: committee's monthly meeting; a branch's 三会一课, organisational life,
# democratic appraisal and themed party day ("month", "quarter" or "year").
MEETING_FREQUENCIES = {
    "monthly": "month",
    "branch_assembly": "quarter",
    "branch_committee": "month",
    "group": "month",
    "lecture": "quarter",
    "org_life": "year",
    "appraisal": "year",
    "themed_day": "month",
}
# The day of the month missing meetings are reminded of (1-28).
REMINDER_DAY_OF_MONTH = env_int("REMINDER_DAY_OF_MONTH", 20)
if not 1 <= REMINDER_DAY_OF_MONTH <= 28:
    raise ImproperlyConfigured(
        f"REMINDER_DAY_OF_MONTH={REMINDER_DAY_OF_MONTH}: use a day from 1 to 28."
    )
# Months before a term ends (换届) when the committee and the district are reminded.
TERM_REMINDER_MONTHS = (6, 1)
# Prefixed to a notification's link in its email, e.g. https://dadangwei.example.cn
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # the mobile on the user's member record (core/auth.py)
    "core.auth.MobileBackend",
]
# A link to set a new password (by email, or made by a member's secretary) is valid this long.
PASSWORD_RESET_TIMEOUT = 2 * 60 * 60
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "overview:home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock one username from one address, so a shared office IP does not lock out
# a whole department, and a cool-off lifts the lock by itself.
# Argon2 first (OWASP's choice); hashes made by the others are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# A session ends after this long without a request (core.middleware.IdleTimeoutMiddleware):
# shorter for the district's officers and staff, who reach every member's record.
SESSION_IDLE_SECONDS = {
    "officer": env_int("SESSION_IDLE_OFFICER", 30 * 60),
    "role": env_int("SESSION_IDLE_ROLE", 2 * 3600),
    "member": env_int("SESSION_IDLE_MEMBER", 7 * 24 * 3600),
}
# Reverse proxies in front of the web processes whose X-Forwarded-For is trusted (nginx: 1);
# sign-in locks are keyed on the client's address they report (core.auth.client_ip).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "core.auth.client_ip"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hour
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Days django-axes' sign-in log (who signed in, from which address and browser) is kept
# (core.tasks.clear_sign_in_records, daily).
SIGN_IN_LOG_KEEP_DAYS = env_int("SIGN_IN_LOG_KEEP_DAYS", 90)

# Two-step sign-in (django-otp, core/two_factor.py): an authenticator app's 6-digit code (TOTP)
# or a backup code after the password, for users who turned it on. Each wrong code doubles the
# wait before the next try on that device (1, 2, 4, 8 … seconds); 0 would turn that off.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "大党委平台")
# The admin may delete a user's devices (a lost phone) but never shows their keys or codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# District officers (and superusers) must turn two-step sign-in on before using the portal.
OTP_REQUIRED_FOR_OFFICERS = env_bool("OTP_REQUIRED_FOR_OFFICERS", False)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Exports: the library strips a leading "=" only; core.xlsx.escape_cell escapes = + - @ itself.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_TAGS = {40: "danger"}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "大党委平台 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Content Security Policy: every asset is vendored, so nothing but our own origin is needed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

AUDITLOG_DISABLE_REMOTE_ADDR = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Labels shown on pages that are not in a model.
PORTAL_NAME = _("Community Big Party Committee Portal")
