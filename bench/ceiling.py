"""
The ceiling: the fastest a Django page can be on this machine, served exactly like the site.

One view rendering a small template, no database, no session, the same security middleware a production
project starts with. ``gunicorn bench.ceiling:application`` serves it; the bench divides each page's rate by
this one's.
"""

import os
import secrets

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.shortcuts import render
from django.urls import path

TEMPLATE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1>{% for item in items %}<p>{{ item }}</p>{% endfor %}</main></body>
</html>
"""
TEMPLATES = {"page.html": TEMPLATE}


def page(request):
    return render(request, "page.html", {"title": "Ceiling", "items": ["A small template", "and no query."]})


urlpatterns = [path("", page)]

settings.configure(
    DEBUG=False,
    SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
    ALLOWED_HOSTS=os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1").split(","),
    ROOT_URLCONF=__name__,
    MIDDLEWARE=["django.middleware.security.SecurityMiddleware", "django.middleware.common.CommonMiddleware"],
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [
                    ("django.template.loaders.cached.Loader", [("django.template.loaders.locmem.Loader", TEMPLATES)])
                ]
            },
        }
    ],
)  # fmt: skip
django.setup()
application = get_wsgi_application()
