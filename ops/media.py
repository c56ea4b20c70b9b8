"""
Uploaded images served by the application, for a single machine that keeps uploads on its own disk.

Uploads are only ever images that were decoded and re-encoded on the way in (``richtext.uploads``), stored
under random names. This view serves files of those formats from ``MEDIA_ROOT`` and nothing else, with
their type fixed by the extension, ``nosniff`` and a policy that forbids running anything.

An upload is public once a record readers can see uses it (``richtext.visibility``): then anyone gets it, with
a long public cache lifetime. Before that (an image in a draft) and after the last record using it is
unpublished, readers get the same 404 as for a file that does not exist, and staff who may view a record using
it get it marked ``private, no-store``, so no shared cache keeps it.

With a proxy in front, either let it send the file once this view has decided (``DJANGO_MEDIA_ACCEL_REDIRECT``,
nginx's ``X-Accel-Redirect``), or let it serve ``/media/`` itself and set ``DJANGO_SERVE_MEDIA=false`` (then
every upload is public to whoever has its address). With object storage (``DJANGO_MEDIA_STORAGE=s3``) the
storage's own URLs are used and this view is off. See the README's "Uploads".
"""

import posixpath
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpResponse
from django.utils._os import safe_join
from django.views.decorators.http import require_safe

from richtext.visibility import is_public, may_preview

CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
}
# Names are random and never reused, so a browser or CDN may keep a public upload for long.
PUBLIC = "public, max-age=2592000, immutable"
# A draft's image: for this member of staff only, kept nowhere.
PRIVATE = "private, no-store"
# The same words whatever the reason, so a reader cannot tell a draft's image from a missing file.
NOT_FOUND = "No such upload."


@require_safe
def serve_media(request, path):
    if not settings.SERVE_MEDIA:
        raise Http404(NOT_FOUND)
    name = posixpath.normpath(path).lstrip("/")
    content_type = CONTENT_TYPES.get(Path(name).suffix.lower())
    if content_type is None or name.startswith(".."):
        raise Http404(NOT_FOUND)
    try:
        full_path = Path(safe_join(settings.MEDIA_ROOT, name))
    except SuspiciousFileOperation:  # outside MEDIA_ROOT
        raise Http404(NOT_FOUND) from None
    if not full_path.is_file():
        raise Http404(NOT_FOUND)
    if is_public(name):
        cache_control = PUBLIC
    elif may_preview(request.user, name):
        cache_control = PRIVATE
    else:
        raise Http404(NOT_FOUND)
    if settings.MEDIA_ACCEL_REDIRECT:
        # The proxy sends the file from its internal location; it keeps this answer's Cache-Control.
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_REDIRECT + quote(name)
    else:
        response = FileResponse(full_path.open("rb"), content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = cache_control
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
