"""
Rich text: the one module that knows which editor we use and what HTML we keep.

- :func:`sanitize_html` is the allowlist. It runs on the server on every save of
  every rich field, whatever the editor (or a script, or a fixture) sends.
- :class:`RichTextField` is the model field for every rich field. It sanitizes in
  ``pre_save`` and picks the editor widget in ``formfield``; swapping CKEditor for
  another editor means changing ``formfield`` and :func:`upload_image` here only.
- :func:`upload_image` receives images dropped or uploaded in the editor.
"""

import json
import re
from html import unescape
from urllib.parse import urlsplit

import nh3
from ckeditor_uploader.fields import RichTextUploadingFormField
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.html import strip_tags
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ivig_site.numbers import whole_number

from .models import may_upload
from .uploads import inspect_image, random_filename, record_upload, without_metadata

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sup", "sub",
    "ul", "ol", "li", "blockquote", "a", "hr", "img",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "title", "role"},  # role="presentation": a decorative image
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Dropped together with everything inside them, not just unwrapped.
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"}

EXTERNAL_REL = "noopener noreferrer"

# After nh3 every attribute is serialized as name="value" with quotes escaped, so this
# matches an opening <a> tag exactly, even when a value contains ">".
_A_TAG = re.compile(r'<a((?:\s+[a-z-]+="[^"]*")*)\s*>')
_ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')
# Browsers ignore spaces and control characters around an address, drop tabs and newlines
# inside it and read a backslash as "/": " //evil.example" and "/\evil.example" leave the site.
_URL_PADDING = "".join(chr(code) for code in range(0x21))


def _is_external(href):
    """Whether a browser leaves the site for ``href``, reading it as browsers do."""
    url = unescape(href).strip(_URL_PADDING).replace("\\", "/")
    url = re.sub(r"[\t\n\r]", "", url)
    return urlsplit(url).scheme in {"http", "https"} or url.startswith("//")


def _mark_external_links(html):
    def rewrite(match):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        if not _is_external(attributes.get("href", "")):
            return match.group(0)
        attributes["rel"] = EXTERNAL_REL
        return "<a" + "".join(f' {name}="{value}"' for name, value in attributes.items()) + ">"

    return _A_TAG.sub(rewrite, html)


def sanitize_html(html):
    """
    Return ``html`` with only the tags, attributes and URL schemes our pages use.

    Scripts, event handlers, ``style`` attributes, iframes and ``javascript:`` or
    ``data:`` URLs are removed; links to other sites get ``rel="noopener noreferrer"``.
    """
    if not html:
        return ""
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    return _mark_external_links(cleaned).strip()


def plain_text(html):
    """Rich text as plain words, for summaries, search and reading time."""
    return " ".join(strip_tags(html or "").split())


class RichTextField(models.TextField):
    """A TextField edited with the rich-text editor and sanitized on every save."""

    is_rich_text = True  # the reviewer's diff compares it paragraph by paragraph

    def pre_save(self, model_instance, add):
        value = sanitize_html(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": RichTextUploadingFormField, "config_name": "default", **kwargs})


def _editor_response(func_num, url="", error=""):
    """Answer in the shape CKEditor 4 expects: a script for its dialog, JSON for drag and drop."""
    if func_num:
        script = f"window.parent.CKEDITOR.tools.callFunction({func_num}, {json.dumps(url)}, {json.dumps(error)});"
        return HttpResponse(f"<script>{script}</script>")
    if error:
        return JsonResponse({"uploaded": 0, "error": {"message": error}}, status=400)
    return JsonResponse({"uploaded": 1, "fileName": url.rsplit("/", 1)[-1], "url": url})


# CKEditor 4 posts uploads without Django's CSRF token. Staff sessions are protected by
# the SameSite=Lax session cookie (a cross-site POST arrives logged out) and by the
# explicit permission check below.
@csrf_exempt
@require_POST
@staff_member_required
def upload_image(request):
    """Store an image uploaded in the editor; staff who may edit articles only. Readers get it once it is published."""
    if not may_upload(request.user):
        raise PermissionDenied
    # Printed into a script, so checked before anything is stored: a small number in ASCII digits only.
    func_num = request.GET.get("CKEditorFuncNum", "")
    if func_num and whole_number(func_num, minimum=0, maximum=999_999) is None:
        return HttpResponse("Bad request.", status=400, content_type="text/plain")
    uploaded = request.FILES.get("upload")
    if uploaded is None:
        return _editor_response(func_num, error="Choose an image file to upload.")
    try:
        image_format = inspect_image(uploaded)
    except ValidationError as error:
        return _editor_response(func_num, error=" ".join(error.messages))
    path = f"uploads/{timezone.now():%Y/%m}/{random_filename(image_format)}"
    saved = default_storage.save(path, ContentFile(without_metadata(uploaded, image_format)))
    record_upload(saved, origin="editor", by_id=request.user.pk, chosen_name=uploaded.name or "")
    return _editor_response(func_num, url=default_storage.url(saved))
