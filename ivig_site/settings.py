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
    "articles",
    "references",
    "pages",
    "feedback",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "review.middleware.PublishDueMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
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
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
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
