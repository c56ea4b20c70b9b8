"""
Uploaded images served by the application, for a single machine that keeps uploads on its own disk.

Uploads are only ever images that were decoded and re-encoded on the way in (``richtext.uploads``), stored
under random names. This view serves files of those formats from ``MEDIA_ROOT`` and nothing else, with
their type fixed by the extension, ``nosniff`` and a policy that forbids running anything. With a proxy
in front, let it serve ``/media/`` from the same folder instead and set ``DJANGO_SERVE_MEDIA=false``;
with object storage (``DJANGO_MEDIA_STORAGE=s3``) the storage's own URLs are used and this view is off.
"""

import posixpath
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404
from django.utils._os import safe_join
from django.views.decorators.http import require_safe

CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
}


@require_safe
def serve_media(request, path):
    if not settings.SERVE_MEDIA:
        raise Http404("Uploads are not served by the application.")
    path = posixpath.normpath(path).lstrip("/")
    content_type = CONTENT_TYPES.get(Path(path).suffix.lower())
    if content_type is None or path.startswith(".."):
        raise Http404("Not an uploaded image.")
    try:
        full_path = Path(safe_join(settings.MEDIA_ROOT, path))
    except SuspiciousFileOperation:  # outside MEDIA_ROOT
        raise Http404("Not an uploaded image.") from None
    if not full_path.is_file():
        raise Http404("No such upload.")
    response = FileResponse(full_path.open("rb"), content_type=content_type)
    response["Content-Disposition"] = "inline"
    # Names are random and never reused, so a browser may keep a copy for long.
    response["Cache-Control"] = "public, max-age=2592000, immutable"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
