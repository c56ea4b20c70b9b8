"""
Settings for the IVIG patient-education site.

Everything that differs between a laptop and production comes from the
environment (see the README's "Configuration" table). The defaults are for
local development: SQLite beside the code, debug on, a throwaway secret key.
With DJANGO_DEBUG off there is no default secret and no default host.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="django-insecure-local-development-only")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
else:
    try:
        SECRET_KEY = env.str("DJANGO_SECRET_KEY")
        ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
    except ImproperlyConfigured as exc:
        raise ImproperlyConfigured("With DJANGO_DEBUG off, set DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS.") from exc

INSTALLED_APPS = [
    # First, so that its ready() registers reviewed models' version history before the admin loads.
    "review",
    "richtext",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "ckeditor",
    "ckeditor_uploader",
    "reversion",
    "axes",
    "csp",
    "ops",
    "articles",
    "references",
    "pages",
    "translations",
    "feedback",
    "search",
    "handouts",
    "pagecache",
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "infobutton",
]

MIDDLEWARE = [
    "ops.middleware.HealthCheckMiddleware",
    "ops.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ops.middleware.RejectNulBytesMiddleware",
    # Compresses pages for clients that accept gzip, cached ones included (the cache below stores them plain);
    # below WhiteNoise, which sends static files compressed ahead of time.
    "pagecache.middleware.TextCompressionMiddleware",
    # Above the rest, so a cached page is answered without them (what they add to a page is stored with it). It
    # makes the scheduled-publication check itself before it looks up a page, in the same read of the cache.
    "pagecache.middleware.PageCacheMiddleware",
    "review.middleware.PublishDueMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the address only (/es/…); English pages have no prefix.
    "django.middleware.locale.LocaleMiddleware",
    "translations.middleware.TranslatedOnlyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ops.middleware.ContentSecurityPolicyMiddleware",
    "ops.middleware.PermissionsPolicyMiddleware",
    "pagecache.middleware.AtomicWritesMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ivig_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "translations.context_processors.page_languages",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "ivig_site.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Readers' pages only read, so they run outside a transaction; pagecache.middleware.AtomicWritesMiddleware gives
# every request that may write (POST, PUT, PATCH, DELETE) one transaction, rolled back on an error, as
# ATOMIC_REQUESTS did. The admin and the workflow open their own transactions as well.
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Connections are kept between requests (seconds), and checked before reuse, so a dropped one is replaced.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds readers' pages, the content generation that invalidates them, throttles and the next
# scheduled publication, so in production every process must share it: CACHE_URL (any django-environ cache
# URL, e.g. rediscache://127.0.0.1:6379/1) or REDIS_URL (redis://127.0.0.1:6379/1). Local memory without either.
# Reader pages are kept in that cache (pagecache/) unless DJANGO_PAGE_CACHE=false: every page is then rendered
# for every request (what a page costs right after a publish), while the small shared state (the content
# generation, the next scheduled publication, throttles) stays in the cache.
PAGE_CACHE = env.bool("DJANGO_PAGE_CACHE", default=True)
if env.str("CACHE_URL", default=""):
    CACHES = {"default": env.cache("CACHE_URL")}
elif env.str("REDIS_URL", default=""):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env.str("REDIS_URL")}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 2000}}}
# Django's Redis backend with one client per connection pool, not one per call (see ops/cache.py).
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "ops.cache.RedisCache"
# Sessions (staff only) live in the database, shared by every app server.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# English is the source language; every other language is a reviewed translation (see translations/).
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Each language's date format for readers (ivig_site/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["ivig_site.formats"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")

# Where uploads go: "filesystem" (MEDIA_ROOT on this machine) or "s3" (an S3-compatible object store through
# django-storages; credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY as boto3 reads them).
MEDIA_STORAGE = env.str("DJANGO_MEDIA_STORAGE", default="filesystem")
if MEDIA_STORAGE == "s3":
    _MEDIA = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default=None),
            "location": env.str("AWS_S3_LOCATION", default="media"),
            "default_acl": None,
            "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=False),
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=2592000, immutable"},
        },
    }
elif MEDIA_STORAGE == "filesystem":
    _MEDIA = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured('DJANGO_MEDIA_STORAGE must be "filesystem" or "s3".')
# With uploads on this machine's disk, the application serves /media/ itself unless a proxy in front does.
SERVE_MEDIA = MEDIA_STORAGE == "filesystem" and env.bool("DJANGO_SERVE_MEDIA", default=True)
# With a proxy that sends files for the application (nginx's X-Accel-Redirect), its internal location for MEDIA_ROOT,
# e.g. /internal-media/: the application decides who may see each upload, the proxy sends the bytes.
MEDIA_ACCEL_REDIRECT = env.str("DJANGO_MEDIA_ACCEL_REDIRECT", default="")
if MEDIA_ACCEL_REDIRECT and not (MEDIA_ACCEL_REDIRECT.startswith("/") and MEDIA_ACCEL_REDIRECT.endswith("/")):
    raise ImproperlyConfigured("DJANGO_MEDIA_ACCEL_REDIRECT must be a path that starts and ends with /.")

STORAGES = {
    "default": _MEDIA,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploads larger than this are refused with a message instead of a server error.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMAGE_UPLOAD_MAX_BYTES = env.int("IMAGE_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)

# Security headers. The HTTPS-only ones follow DEBUG so that `check --deploy` is clean
# in production while plain-HTTP runserver keeps working on a laptop.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"  # The editor's upload and browse views opt in to SAMEORIGIN.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG

# --- Reverse proxy ----------------------------------------------------------------
# How many reverse proxies of ours stand in front of the application (0: none, clients connect directly).
# Only then are X-Forwarded-Proto, X-Forwarded-For and X-Request-ID believed; from anyone else they are forged.
PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PROXY_COUNT > 0 else None
# A load balancer asks for /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Staff accounts -----------------------------------------------------------------
# A session ends after this many seconds without a request (the admin is the only user of sessions).
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_IDLE_TIMEOUT", default=2 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True

AUTHENTICATION_BACKENDS = [
    # Refuses logins from a locked-out address or account before the password is checked.
    "ops.auth.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# django-axes, with ops/auth.py: after AXES_FAILURE_LIMIT wrong passwords from one address (for one username or
# many), logins from that address are refused for AXES_COOLOFF_TIME hours. A username is never locked everywhere:
# after LOGIN_SLOWDOWN_AFTER wrong passwords for it from anywhere, each further try from an address it never
# logged in from waits twice as long as the last, up to LOGIN_SLOWDOWN_MAX_WAIT seconds. Unlock early with
# `manage.py axes_reset_username NAME` or `manage.py axes_reset_ip ADDRESS` (see the README's "Operations").
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_HANDLER = "ops.auth.LoginAttempts"
AXES_USERNAME_CALLABLE = "ops.auth.attempted_username"
AXES_RESET_ON_SUCCESS = True
# A refused try is not counted: the owner waiting out a slow-down must not lock their own address by retrying.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "ops.clientip.client_ip"
AXES_LOCKOUT_CALLABLE = "ops.auth.lockout_response"
AXES_VERBOSE = False
LOGIN_SLOWDOWN_AFTER = env.int("LOGIN_SLOWDOWN_AFTER", default=10)
LOGIN_SLOWDOWN_MAX_WAIT = env.int("LOGIN_SLOWDOWN_MAX_WAIT_SECONDS", default=15 * 60)

# --- Content-Security-Policy and Permissions-Policy ----------------------------------
# Readers' pages load everything from our own origin and run no inline script (JSON-LD is data, not script).
# The admin's policy also allows inline scripts and styles, which Django's admin templates and CKEditor 4 use.
ADMIN_URL_PREFIX = "/admin/"
MEDIA_ORIGIN = env.str("DJANGO_MEDIA_ORIGIN", default="")  # e.g. https://media.example.org when uploads live there
_IMAGES = ["'self'", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": _IMAGES,
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": [*_IMAGES, "data:", "blob:"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=(), fullscreen=(self)"
)

# Logs go to standard error, one line each, tagged with the request's id (X-Request-ID). In production they are
# JSON objects for a log collector; DJANGO_LOG_FORMAT=text gives readable lines. Errors are logged with their
# traceback here and never shown to readers (DEBUG off: templates/500.html).
LOG_FORMAT = env.str("DJANGO_LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ops.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "ops.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}

# --- Rich text -------------------------------------------------------------
# The editor's configuration; the field, widget and sanitizer live in richtext/fields.py.
CKEDITOR_UPLOAD_PATH = "uploads/"
CKEDITOR_IMAGE_BACKEND = "ckeditor_uploader.backends.PillowBackend"
CKEDITOR_ALLOW_NONIMAGE_FILES = False
CKEDITOR_CONFIGS = {
    "default": {
        "toolbar": "IVIG",
        "toolbar_IVIG": [
            ["Format"],
            ["Bold", "Italic", "Superscript", "RemoveFormat"],
            ["NumberedList", "BulletedList", "Blockquote"],
            ["Link", "Unlink"],
            ["Table", "Image"],
            ["Undo", "Redo"],
            ["Source", "Maximize"],
        ],
        "format_tags": "p;h2;h3;h4",
        # Mirror the server-side allowlist so the editor shows what readers will get.
        "allowedContent": (
            "p h2 h3 h4 blockquote strong em b i u s sup sub ul ol li hr br caption;"
            "a[!href,title];img[!src,alt,width,height];"
            "table thead tbody tfoot tr;th td[colspan,rowspan,scope]"
        ),
        # No calls home: CKEditor 4's version check and cloud plugins reach the internet.
        "versionCheck": False,
        "extraPlugins": "uploadimage",
        "removePlugins": "exportpdf,scayt,wsc,easyimage,cloudservices,flash,iframe,forms,smiley",
        "height": 420,
        "width": "100%",
        "image_prefillDimensions": False,
        "linkShowTargetTab": False,
        "linkShowAdvancedTab": False,
    },
}

SILENCED_SYSTEM_CHECKS = [
    # ckeditor.W001 warns that django-ckeditor bundles CKEditor 4.22.1, which is past its
    # end of life. We accept it knowingly: the editor runs only in the staff-only admin,
    # every rich field is sanitized on the server with an allowlist (richtext/fields.py)
    # whatever the editor sends, and the editor is chosen in that one module so it can be
    # swapped without touching the models.
    "ckeditor.W001",
]

# --- Content ------------------------------------------------------------------
SITE_NAME = env.str("SITE_NAME", default="IVIG Patient Guide")

# --- Readers' feedback ----------------------------------------------------------
# Each client address may send this many "Was this page helpful?" answers per period (seconds).
FEEDBACK_RATE_LIMIT = env.int("FEEDBACK_RATE_LIMIT", default=10)
FEEDBACK_RATE_PERIOD = env.int("FEEDBACK_RATE_PERIOD", default=60 * 60)

# --- Review ----------------------------------------------------------------------
# Months from a fact-check to the next review of any reviewed record (ARTICLE_… is the old name).
REVIEW_PERIOD_MONTHS = env.int("REVIEW_PERIOD_MONTHS", default=env.int("ARTICLE_REVIEW_PERIOD_MONTHS", default=12))
# The profiles readers see as authors and fact-checkers; a reviewer's login links to one of them.
REVIEW_CONTRIBUTOR_MODEL = "articles.Contributor"

# --- Sources and citations ----------------------------------------------------
# How sources are printed everywhere: "ama" (AMA Manual of Style, 11th edition) or "vancouver" (NLM).
CITATION_STYLE = env.str("CITATION_STYLE", default="ama")
# Where "Fill from DOI" asks for a work's metadata; the DOI is appended. Crossref's public REST API by default.
CROSSREF_API_URL = env.str("CROSSREF_API_URL", default="https://api.crossref.org/works/")
CROSSREF_TIMEOUT = env.float("CROSSREF_TIMEOUT", default=8.0)
# Crossref answers faster to callers who leave a contact address ("polite pool"); optional.
CROSSREF_MAILTO = env.str("CROSSREF_MAILTO", default="")

# --- Translations -------------------------------------------------------------
# An optional first draft by machine translation (translations/machine.py): the address of a LibreTranslate-compatible
# server the site runs or trusts, e.g. "http://127.0.0.1:5000/translate". Empty: no machine drafts are offered.
MACHINE_TRANSLATION_URL = env.str("MACHINE_TRANSLATION_URL", default="")
MACHINE_TRANSLATION_API_KEY = env.str("MACHINE_TRANSLATION_API_KEY", default="")
MACHINE_TRANSLATION_TIMEOUT = env.float("MACHINE_TRANSLATION_TIMEOUT", default=30.0)

# --- Syndication API and Infobutton -------------------------------------------------
# Requests per period ("N/second|minute|hour|day") for clients without a key, counted per client address in the
# shared cache, and for partners' keys (a key's own "requests per hour", set in the admin, takes precedence).
API_ANONYMOUS_RATE = env.str("API_ANONYMOUS_RATE", default="60/hour")
API_KEY_RATE = env.str("API_KEY_RATE", default="1000/hour")
# The Infobutton and the API's schema and documentation count anonymous clients on budgets of their own.
INFOBUTTON_ANONYMOUS_RATE = env.str("INFOBUTTON_ANONYMOUS_RATE", default=API_ANONYMOUS_RATE)
API_DOCS_ANONYMOUS_RATE = env.str("API_DOCS_ANONYMOUS_RATE", default="60/hour")
# Sent with every record and Infobutton entry; {site} and {url} (the record's page) are filled in. The defaults come
# in the record's language (locale/ translates them); a value set in the environment is sent as written.
API_LICENCE = env.str("API_LICENCE", default="") or gettext_lazy(
    "© IVIG Patient Guide. Partners may show this content unchanged, with its attribution and review dates."
)
API_ATTRIBUTION = env.str("API_ATTRIBUTION", default="") or gettext_lazy("Reviewed content from {site}: {url}")
# Partners' webhooks (sent by `manage.py deliver_webhooks`): the site's public address, which makes the links in
# each message whole (no request gives it there); seconds to wait for a partner's answer; attempts before giving
# up; and the wait after the first failed attempt, doubled after each further one.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "")
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=10.0)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_RETRY_SECONDS = env.int("WEBHOOK_RETRY_SECONDS", default=60)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.access.PartnerKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": ["api.access.AnonymousRateThrottle", "api.access.PartnerKeyRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.access.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SITE_NAME} syndication API",
    "DESCRIPTION": (
        "Reviewed patient education about IVIG, read-only: only what readers of the site may see. Send a "
        "partner key as `Authorization: Api-Key <key>`; without one, requests are limited more tightly."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
