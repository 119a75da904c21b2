"""Settings for the Annuaire des PTCE.

Every value that differs between a laptop and production comes from an environment variable,
documented in the README and `.env.example`; the defaults are safe for local use only.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} doit valoir true ou false, pas {value!r}.")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=True)

# A development key is only acceptable while DEBUG is on.
_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "" if not DEBUG else _DEV_SECRET_KEY)
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY est obligatoire quand DJANGO_DEBUG est désactivé."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

INSTALLED_APPS = [
    # SimpleAdminConfig: we pick the admin modules ourselves (see PtceAdminConfig) so that
    # django-leaflet's GeoDjango-only admin module is never imported (no GDAL needed).
    "ptce_site.apps.PtceAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "corsheaders",
    "leaflet",
    "simple_history",
    "axes",
    "poles",
]

MIDDLEWARE = [
    # Answers /healthz before anything checks the Host header or redirects to HTTPS.
    "poles.middleware.HealthCheckMiddleware",
    # 400 for NUL bytes, 405 for methods a read-only view does not serve (before CSRF's 403).
    "poles.security.RequestSanityMiddleware",
    # Compresses HTML and JSON (pages carry no secret but the admin's CSRF token, which Django
    # masks per response).
    "django.middleware.gzip.GZipMiddleware",
    # The API and the feeds may be read from any site's scripts (GET only, no cookies).
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "poles.middleware.ContentSecurityPolicyMiddleware",
    # Static files, compressed and fingerprinted, served by the app server itself.
    "poles.middleware.StaticFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records which editor made each change in the history tables.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Locks out repeated failed admin logins (last, as django-axes asks).
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling. The client address is found behind PTCE_PROXY_COUNT trusted proxies
# (poles.security.client_ip). Locked for an hour: a user name from one address after
# PTCE_LOGIN_FAILURE_LIMIT failures (so nobody locks an editor out from elsewhere), and an
# address after PTCE_LOGIN_ADDRESS_FAILURE_LIMIT failures whatever the user names (one password
# tried against many accounts).
PTCE_PROXY_COUNT = int(os.environ.get("PTCE_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "poles.security.client_ip"
AXES_FAILURE_LIMIT = "poles.security.login_failure_limit"
PTCE_LOGIN_FAILURE_LIMIT = int(os.environ.get("PTCE_LOGIN_FAILURE_LIMIT", "5"))
PTCE_LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("PTCE_LOGIN_ADDRESS_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
AXES_VERBOSE = False

ROOT_URLCONF = "ptce_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "poles.context_processors.languages",
                "poles.context_processors.site",
            ],
        },
    },
]

# Widgets render through TEMPLATES, so our widget templates live in templates/ like the rest.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "ptce_site.wsgi.application"

# DATABASE_URL unset: an SQLite file in the project folder, so `make run` needs no server.
# An empty DATABASE_URL counts as unset.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
# French at /, English under /en/ (i18n_patterns). The data stays as its sources wrote it.
LANGUAGES = [("fr", "Français"), ("en", "English")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
# Front-end libraries come from the npm registry (package.json and its lock file).
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/supercluster", BASE_DIR / "node_modules" / "supercluster" / "dist"),
]
STATIC_ROOT = Path(os.environ.get("PTCE_STATIC_ROOT") or BASE_DIR / "staticfiles")
# In production (DEBUG off) static files are fingerprinted and pre-compressed by collectstatic
# and served with far-future cache headers; in development Django serves them as they are.
STATIC_MANIFEST = env_bool("DJANGO_STATIC_MANIFEST", default=not DEBUG)
# In development whitenoise finds files where they are and picks up edits.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Cached map data and counts: per process by default; REDIS_URL shares them between app servers.
CACHES = {
    "default": {
        # Redis down: pages served from the database, a clear log line (poles/cache.py).
        "BACKEND": "poles.cache.ResilientRedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": "ptce",
        # A Redis that does not answer within a second counts as down.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    if os.environ.get("REDIS_URL")
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "ptce",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}

# Cached counts, map data and exports expire after this many seconds, whatever happens.
PTCE_CACHE_SECONDS = int(os.environ.get("PTCE_CACHE_SECONDS", "3600"))
# How long a shared cache in front of the site (nginx) may keep a public page before asking
# again (an edit shows within this time), and serve it stale while it asks.
PTCE_SHARED_CACHE_SECONDS = int(os.environ.get("PTCE_SHARED_CACHE_SECONDS", "1"))
PTCE_SHARED_CACHE_STALE_SECONDS = int(os.environ.get("PTCE_SHARED_CACHE_STALE_SECONDS", "30"))

# --- Contributions ---------------------------------------------------------------------------
# Proposals one address may send in an hour; months the contributors' name and e-mail are kept
# after the decision (manage.py purge_contributor_data); who is told of new proposals besides
# the editors; the site's address in e-mails.
PTCE_PROPOSALS_PER_HOUR = int(os.environ.get("PTCE_PROPOSALS_PER_HOUR", "5"))
# Sign-in and claim links one address may ask for in an hour (a client: four times as many).
PTCE_SIGN_IN_PER_HOUR = int(os.environ.get("PTCE_SIGN_IN_PER_HOUR", "5"))
PTCE_CONTRIBUTOR_DATA_MONTHS = int(os.environ.get("PTCE_CONTRIBUTOR_DATA_MONTHS", "12"))
# Months after which a coordinator's account never used again is erased (purge command).
PTCE_COORDINATOR_INACTIVE_MONTHS = int(os.environ.get("PTCE_COORDINATOR_INACTIVE_MONTHS", "24"))
PTCE_MODERATION_EMAILS = env_list("PTCE_MODERATION_EMAILS", "")

# E-mail: printed on the console by default; DJANGO_EMAIL_BACKEND=smtp (with EMAIL_HOST...)
# or file (EMAIL_FILE_PATH) for real use.
EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
EMAIL_BACKEND = EMAIL_BACKENDS[os.environ.get("DJANGO_EMAIL_BACKEND", "console")]
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "emails"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "annuaire-ptce@localhost")
# The outbox (poles.outbox): e-mails are rows, sent after the commit by a thread of the app
# server ("thread"), or only by `manage.py send_mail_outbox` from cron ("cron"), or at once in
# the caller's thread ("inline": tests, scripts). The cron command also retries failures, with
# a back-off of 1, 2, 4 … minutes, PTCE_EMAIL_MAX_ATTEMPTS times at most (about 17 hours).
PTCE_EMAIL_DELIVERY = os.environ.get("PTCE_EMAIL_DELIVERY", "thread")
if PTCE_EMAIL_DELIVERY not in ("thread", "cron", "inline"):
    raise ImproperlyConfigured("PTCE_EMAIL_DELIVERY: thread, cron or inline")
PTCE_EMAIL_MAX_ATTEMPTS = int(os.environ.get("PTCE_EMAIL_MAX_ATTEMPTS", "10"))
# Days a sent (or given up) e-mail is kept, then deleted with the other personal data.
PTCE_EMAIL_KEPT_DAYS = int(os.environ.get("PTCE_EMAIL_KEPT_DAYS", "30"))

LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

# Maps: django-leaflet's LEAFLET_CONFIG is the one map setting (tiles, view, plugins). Any XYZ
# tile server; the browser tests point django-leaflet at a local stub so no tile is fetched.
LEAFLET_CONFIG = {
    "TILES": [
        (
            "Plan",
            os.environ.get("PTCE_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
            {
                "attribution": os.environ.get(
                    "PTCE_TILES_ATTRIBUTION",
                    '&copy; <a href="https://www.openstreetmap.org/copyright">'
                    "contributeurs OpenStreetMap</a>",
                ),
                "maxZoom": 19,
            },
        )
    ],
    "DEFAULT_CENTER": (46.6, 2.4),
    "DEFAULT_ZOOM": 5,
    "MIN_ZOOM": 2,
    "MAX_ZOOM": 19,
    "DEFAULT_PRECISION": 5,
    "ATTRIBUTION_PREFIX": "Leaflet",
    "RESET_VIEW": False,
    "SCALE": None,
    "NO_GLOBALS": True,
}

# --- Security -------------------------------------------------------------------------------
# With DEBUG off the site is served over HTTPS: redirect, HSTS and secure cookies are on.
# DJANGO_HTTPS=false relaxes them for a plain-HTTP setup (a private network, a test box).
HTTPS = env_bool("DJANGO_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=HTTPS)
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (PTCE_PROXY_SSL_HEADER=true).
if env_bool("PTCE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

# The site's address in e-mails' links: PTCE_SITE_URL, else the first allowed host in
# production (https unless DJANGO_HTTPS=false), else what `make run` serves.
_PUBLIC_HOSTS = [host.lstrip(".") for host in ALLOWED_HOSTS if host not in ("*", "")]
_DEFAULT_SITE_URL = (
    f"{'https' if HTTPS else 'http'}://{_PUBLIC_HOSTS[0]}"
    if not DEBUG and _PUBLIC_HOSTS
    else "http://127.0.0.1:8000"
)
PTCE_SITE_URL = (os.environ.get("PTCE_SITE_URL") or _DEFAULT_SITE_URL).rstrip("/")

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Structured logs: one JSON object per line on stderr (DJANGO_LOG_FORMAT=text for humans).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "ptce_site.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": os.environ.get("DJANGO_LOG_FORMAT", "text" if DEBUG else "json"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# Public read API (/api/v1/): JSON only (no browsable pages, whose scripts our CSP refuses),
# anonymous, throttled per client address, documented by an OpenAPI schema built from the code.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["poles.api.throttling.AddressRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "poles.api.errors.api_exception_handler",
}
PTCE_API_RATE = os.environ.get("PTCE_API_RATE", "120/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": "API de l'annuaire des PTCE",
    "DESCRIPTION": (
        "Les pôles territoriaux de coopération économique publiés dans l'annuaire, en lecture "
        "seule et sans clé. Données sous Licence Ouverte 2.0 ; champs décrits par le schéma de "
        "données /donnees/schema.json."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": False,
    "ENUM_NAME_OVERRIDES": {"AnswerEnum": "poles.models.Answer"},
}
# Any site may read the API and the feeds from its scripts: GET only, never with cookies.
CORS_URLS_REGEX = r"^/(api/v1|(en/)?flux)/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]
