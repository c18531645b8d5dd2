"""Hearth's one settings module. Every value comes from the environment, with embedded defaults
that run the whole app on one machine: SQLite, a filesystem broker, emails in var/mail/."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.env import env_bool, env_int, env_list, env_str, env_time_zone, env_url

# Lets the typed generics of django-stubs (ModelForm[Entry], ModelAdmin[Couple]) run.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("HEARTH_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "hearth-development-only-not-secret"

SITE_URL = env_url("SITE_URL", schemes={"http", "https"}) or "http://127.0.0.1:8000"
# The name every page, email and authenticator app calls the site by (never its host and port).
SITE_NAME = env_str("SITE_NAME", "Hearth")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Django's widget templates, found by the project's form renderer below.
    "django.forms",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "config",
    "core",
    "couples",
    "toolkit",
    "checkins",
    "schedules",
    "agreements",
    "privacy",
    "notices",
]

# The header middleware comes before WhiteNoise, so static files carry the same headers as pages.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Pages carry a CSRF token, which compression could leak to BREACH; Django masks the token
    # afresh in every answer and pads each gzip body with random bytes, so none is guessable.
    "django.middleware.gzip.GZipMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.LongURLMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, so static files keep their own caching.
    "config.middleware.PrivatePagesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "couples.middleware.TimeZoneMiddleware",
    "couples.middleware.PartnerLeftNoticeMiddleware",
    "notices.middleware.AskOnceMiddleware",
    "notices.middleware.SeenMiddleware",
    "config.middleware.MethodNotAllowedPageMiddleware",
]

ROOT_URLCONF = "config.urls"
# Forms and fields are drawn by templates/includes/: each error beside its field.
FORM_RENDERER = "config.renderers.HearthFormRenderer"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.nav",
                "couples.context_processors.couple",
                "agreements.context_processors.banner",
                "notices.context_processors.unread",
            ],
        },
    }
]

# Database: SQLite under var/ unless DATABASE_URL names PostgreSQL (or another SQLite file).
DATABASE_URL = env_url("DATABASE_URL", schemes={"postgres", "postgresql", "sqlite"})
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "hearth.sqlite3"),
            # A file, not shared-cache memory: there BEGIN IMMEDIATE fails at once ("table is
            # locked") instead of waiting, so threads in tests could not serialise as here.
            "TEST": {"NAME": str(VAR_DIR / "test-hearth.sqlite3")},
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file: queue writers instead of failing on a lock.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # secure_delete: a deleted row's bytes are overwritten with zeros, not left in the
        # file's free space until reused (core/erasure.py then empties the WAL).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache is shared by every process (web workers, Celery worker and beat): Redis when
# REDIS_URL is set, otherwise a table in the database (created by config's migration). allauth
# counts sign-in attempts there, so a count made in one worker throttles in every other; its
# lock needs an atomic `add`, which both give. Nothing else may rest on the cache.
REDIS_URL = env_url("REDIS_URL", schemes={"redis", "rediss"})
CACHES: dict[str, dict[str, object]]
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "hearth_cache",
            # Expired entries go first when the table is full; live attempt counts are kept
            # unless ten thousand are live at once.
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }

# Celery: acks late with one message prefetched, so a worker that dies mid-task leaves its
# message to be delivered again; tasks are written to be safe to run twice.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
if REDIS_URL:
    # A message not acknowledged within the visibility timeout is redelivered; it must exceed
    # the longest task (time limit below) by a wide margin.
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 3600}
else:
    _broker_dir = VAR_DIR / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    for _folder in ("out", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
# A task sending email takes no new message after this many seconds (core/outbox.py): the last
# one may still wait out the mail server's timeout (20 s) and end before the soft time limit.
OUTBOX_SEND_SECONDS = CELERY_TASK_SOFT_TIME_LIMIT - 30
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # A pause nobody closed ends itself at 24 hours; at most a minute late.
    "end-overdue-pauses": {"task": "agreements.tasks.end_overdue_pauses", "schedule": 60.0},
    # Proposals left unanswered for 14 days expire; the pages treat them as expired meanwhile.
    "expire-agreement-proposals": {"task": "agreements.tasks.expire_proposals", "schedule": 900.0},
    # Reminders: the database is the source of truth, so a tick that expired unrun is harmless.
    "dispatch-reminders": {
        "task": "schedules.tasks.dispatch_reminders",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # "Your partner has shared" emails that waited for their hour, and any never sent.
    "send-due-notices": {
        "task": "notices.tasks.send_due_notices",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Repairs whose follow-up date came are told of, once per date.
    "tell-repair-follow-ups": {
        "task": "toolkit.tasks.tell_follow_ups_due",
        "schedule": 900.0,
        "options": {"expires": 850},
    },
    # Emails about one event (agreements, pauses, turns, repairs) that waited for quiet hours
    # to end, and any never sent.
    "send-due-event-emails": {
        "task": "notices.tasks.send_due_event_emails",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Pushes that waited (quiet hours, their hour, a busy push service), and any never sent.
    "send-due-pushes": {
        "task": "notices.tasks.send_due_pushes",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Pushes sent or given up longer ago than PUSH_DELIVERY_RETENTION_DAYS are deleted.
    "prune-push-deliveries": {
        "task": "notices.tasks.prune_push_deliveries",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
}

# Email: SMTP when SMTP_HOST is set, otherwise printed and kept in var/mail/ for /dev/mail/.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Hearth <hearth@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
MAIL_DIR = VAR_DIR / "mail"
SMTP_HOST = env_str("SMTP_HOST")
if SMTP_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": SMTP_HOST,
                "port": env_int("SMTP_PORT", 587, minimum=1),
                "username": env_str("SMTP_USER"),
                "password": env_str("SMTP_PASSWORD"),
                "use_tls": env_bool("SMTP_USE_TLS", True),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "config.mail.ConsoleAndFileBackend",
            "OPTIONS": {"file_path": str(MAIL_DIR)},
        }
    }

# Web Push for the installed app (notices/push.py), signed with the site's VAPID key pair
# (RFC 8292) that `manage.py vapid_keys` makes. Push is offered only when both keys are set;
# without them settings offer no push and nothing is sent. The subject tells push services whom
# to contact about this sender.
VAPID_PUBLIC_KEY = env_str("VAPID_PUBLIC_KEY")
VAPID_PRIVATE_KEY = env_str("VAPID_PRIVATE_KEY")
if bool(VAPID_PUBLIC_KEY) != bool(VAPID_PRIVATE_KEY):
    raise ImproperlyConfigured(
        "VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are set together or not at all "
        "(`manage.py vapid_keys` prints a pair)."
    )
VAPID_SUBJECT = env_str("VAPID_SUBJECT", f"mailto:hearth@{urlsplit(SITE_URL).hostname}")
PUSH_ENABLED = bool(VAPID_PUBLIC_KEY)
# A browser's push service is a public https address; only the tests' own push service on this
# machine is reached over plain http, so no one can have Hearth post to a local address.
PUSH_ALLOW_LOCAL_ENDPOINTS = False
# A push that went out (or was given up) is kept this many days, for whoever runs Hearth to see
# what reached a device, then deleted (`notices.push.prune`). At least a day: the hour between two
# pushes to one device is counted from the last one sent.
PUSH_DELIVERY_RETENTION_DAYS = env_int("PUSH_DELIVERY_RETENTION_DAYS", 30, minimum=1)

# Accounts
AUTH_USER_MODEL = "couples.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "couples.forms.SignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Sensitive acts ask for the password again unless it was entered in the last five minutes:
# changing email or password, two-factor on or off (allauth.mfa asks by default), exporting,
# leaving a space and deleting the account.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 5 * 60
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# How wrong passwords are counted, and signing in counting as entering the password.
ACCOUNT_ADAPTER = "config.accounts.AccountAdapter"
# allauth's forms with Hearth's labels (config/accounts.py).
ACCOUNT_FORMS = {
    "login": "config.accounts.LoginForm",
    "signup": "config.accounts.SignupForm",
    "change_password": "config.accounts.ChangePasswordForm",
    "reset_password": "config.accounts.ResetPasswordForm",
    "reset_password_from_key": "config.accounts.ResetPasswordKeyForm",
    "add_email": "config.accounts.AddEmailForm",
    "reauthenticate": "config.accounts.ReauthenticateForm",
}
# Wrong passwords are counted per address and network, not per address alone (config/accounts.py,
# SECURITY.md): 5 in 5 minutes for one address from one network, 10 a minute from one network.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# Behind a proxy every request comes from the proxy's address: how many proxies in front of
# Hearth add themselves to X-Forwarded-For, so the visitor's own address is the one counted.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_FORMS = {
    "authenticate": "config.accounts.AuthenticateForm",
    "reauthenticate": "config.accounts.MFAReauthenticateForm",
    "activate_totp": "config.accounts.ActivateTOTPForm",
}
MFA_TOTP_ISSUER = SITE_NAME
USERSESSIONS_TRACK_ACTIVITY = False

# Sessions and security
# Sessions live in the database alone: a session ended in one process (log out, "sign out other
# sessions") is gone for every process at once, and none outlives its row in a cache.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
# No script of any page ever needs the session cookie, in development either.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# htmx sends the token from the page (base.html's data-hx-headers); no script reads the cookie.
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Asking browsers to preload the domain is a commitment for every subdomain that is slow to
# undo: only a deployer who chose it says so.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Django's deploy check warns whenever preload is off; off is the default Hearth chose.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
# Pages a browser or shared cache may keep as they say, to a visitor who is not signed in: they
# are the same for everyone. Every other answer is `no-store` (config.middleware.
# PrivatePagesMiddleware), and to a signed-in person all of them are, except the installable
# app's files, which name nobody whoever asks.
CACHEABLE_PAGES = {
    "home",
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
}
CACHEABLE_FOR_EVERYONE = {"manifest", "service_worker", "offline"}
# The longest address (path and query) Hearth reads; a longer one is refused with a 414
# (config.middleware.LongURLMiddleware). gunicorn.conf.py lets longer request lines through.
MAX_URL_LENGTH = 4096
# Powerful browser features, each allowed to no origin at all (an empty list): see
# config.middleware.PermissionsPolicyMiddleware.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "ambient-light-sensor",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# Static files, served by WhiteNoise from every process.
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

LANGUAGE_CODE = "en"
TIME_ZONE = env_time_zone("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# One family of date and time formats for every page and email ("29 Nov 2026, 22:33").
FORMAT_MODULE_PATH = ["config.formats"]

ADMINS = [("Hearth", a) for a in env_list("ADMIN_EMAILS", [])]
# Every line is written once, by the root's handler. Django's own configuration gives its
# "django" logger a console handler too (with DEBUG on), whose lines then reached the root's as
# well: here that logger keeps only the email to ADMINS.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django": {"handlers": ["mail_admins"], "level": "INFO"}},
}
