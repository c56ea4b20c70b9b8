from ckeditor_uploader import views as ckeditor_views
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.sitemaps.views import index, sitemap
from django.urls import include, path
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.generic import TemplateView

from articles.sitemaps import SITEMAPS
from ops.media import serve_media
from richtext.fields import upload_image

admin.site.site_header = f"{settings.SITE_NAME} — editors"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Content"

urlpatterns = [
    # CKEditor loads these two in same-origin frames.
    path("admin/editor/upload/", xframe_options_sameorigin(upload_image), name="ckeditor_upload"),
    path(
        "admin/editor/browse/",
        xframe_options_sameorigin(never_cache(staff_member_required(ckeditor_views.browse))),
        name="ckeditor_browse",
    ),
    path("admin/", admin.site.urls),
    path("", include("translations.urls")),
    path("api/", include("api.urls")),
    path("infobutton/", include("infobutton.urls")),
    path("sitemap.xml", index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"}, name="sitemap"),
    path("sitemap-<section>.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots"),
]

# Reader pages, in English at their plain address and in each translation's language under its prefix (/es/…).
urlpatterns += i18n_patterns(
    path("", include("articles.urls")),
    path("", include("handouts.urls")),
    path("", include("feedback.urls")),
    path("", include("references.urls")),
    path("about/", include("pages.urls")),
    path("search/", include("search.urls")),
    prefix_default_language=False,
)

if settings.MEDIA_URL.startswith("/"):
    # Uploads kept on this machine's disk; see ops/media.py and the README's "Operations".
    urlpatterns.append(path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media, name="media"))
