"""
Image uploads: one set of rules for hero images, contributor photos and images
placed in the rich-text editor.

Every upload must be a real image (decoded by Pillow, not trusted by its name),
in a web format, no larger than ``settings.IMAGE_UPLOAD_MAX_BYTES``, and is
stored under a random name so that file names leak nothing and never collide.
Each one is recorded (:func:`record_upload`), with the name the editor's file
had, for staff only: readers are shown it only once a published record uses it
(``richtext.visibility``).
"""

import posixpath
import uuid
from html.parser import HTMLParser
from io import BytesIO
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

# Pillow format name -> file extension we store it under.
WEB_IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}

NOT_AN_IMAGE = _("This file is not an image we can read. Upload a JPEG, PNG, GIF or WebP picture.")

# Refuse decompression bombs long before Pillow's own (much larger) limit.
MAX_PIXELS = 40_000_000


def inspect_image(uploaded_file):
    """
    Return the Pillow format name of ``uploaded_file`` or raise ValidationError
    in words an editor understands.
    """
    limit = settings.IMAGE_UPLOAD_MAX_BYTES
    if uploaded_file.size is not None and uploaded_file.size > limit:
        raise ValidationError(
            _("This image is %(size)s; the largest image you can upload is %(limit)s.")
            % {"size": filesizeformat(uploaded_file.size), "limit": filesizeformat(limit)},
            code="image_too_large",
        )
    uploaded_file.seek(0)
    data = uploaded_file.read()
    uploaded_file.seek(0)
    try:
        with Image.open(BytesIO(data)) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(NOT_AN_IMAGE, code="not_an_image") from None
    if image_format not in WEB_IMAGE_FORMATS:
        raise ValidationError(
            _("%(format)s images are not shown by every browser. Upload a JPEG, PNG, GIF or WebP picture.")
            % {"format": image_format},
            code="image_format",
        )
    if width * height > MAX_PIXELS:
        raise ValidationError(
            _("This image is %(width)s × %(height)s pixels, which is too large. Resize it and upload it again.")
            % {"width": width, "height": height},
            code="image_too_many_pixels",
        )
    return image_format


def validate_image_file(uploaded_file):
    """Model-field validator wrapper around :func:`inspect_image`."""
    # Files already stored (e.g. when an unrelated field is edited) were checked on upload.
    if getattr(uploaded_file, "_committed", False):
        return
    inspect_image(uploaded_file)


# What Pillow reads alongside the pixels that is needed to draw them again; comments, profiles, EXIF and XMP are not.
_PIXEL_INFO = {"transparency", "background", "duration", "loop"}


def without_metadata(uploaded_file, image_format):
    """
    The image re-encoded from its pixels: only image data is stored. EXIF and other metadata (phones
    record where a photo was taken), comments and anything appended after the image's end (a script
    tacked onto a GIF) are dropped; photos are turned upright first. Animations keep their frames,
    timing and looping.
    """
    uploaded_file.seek(0)
    data = uploaded_file.read()
    uploaded_file.seek(0)
    output = BytesIO()
    with Image.open(BytesIO(data)) as image:
        image.info = {key: value for key, value in image.info.items() if key in _PIXEL_INFO}
        if getattr(image, "n_frames", 1) > 1 and image_format in {"GIF", "WEBP"}:
            frames, durations = [], []
            for frame in ImageSequence.Iterator(image):
                durations.append(frame.info.get("duration", 100))
                clean = frame.convert("RGBA")
                clean.info = {}
                frames.append(clean)
            frames[0].save(
                output,
                format=image_format,
                save_all=True,
                append_images=frames[1:],
                duration=durations,
                loop=image.info.get("loop", 0),
                **({"disposal": 2} if image_format == "GIF" else {}),
            )
            return output.getvalue()
        upright = ImageOps.exif_transpose(image)
        if image_format == "JPEG" and upright.mode not in {"RGB", "L", "CMYK"}:
            upright = upright.convert("RGB")
        upright.save(output, format=image_format, **({"quality": 90} if image_format in {"JPEG", "WEBP"} else {}))
    return output.getvalue()


class WebImageField(models.ImageField):
    """
    An ImageField held to the rules above: checked on validation, told in plain words,
    and stored without the metadata of the original file.
    """

    default_validators = [validate_image_file]

    def formfield(self, **kwargs):
        field = super().formfield(**kwargs)
        field.error_messages["invalid_image"] = NOT_AN_IMAGE
        return field

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        new = bool(file) and not file._committed
        if new:
            chosen_name = posixpath.basename(file.name or "")
            file.file = ContentFile(without_metadata(file.file, inspect_image(file.file)), name=file.name)
        value = super().pre_save(model_instance, add)
        if new:
            record_upload(
                file.name,
                origin="image_field",
                field=f"{model_instance._meta.label_lower}.{self.name}",
                # Reviewed records name who saved them; the admin sets it before saving.
                by_id=getattr(model_instance, "last_edited_by_id", None),
                chosen_name=chosen_name,
            )
        return value


def random_filename(image_format):
    return f"{uuid.uuid4().hex}.{WEB_IMAGE_FORMATS[image_format]}"


@deconstructible
class RandomImagePath:
    """``upload_to`` callable: ``<folder>/<yyyy>/<random>.<ext>``; the editor's file name is dropped."""

    def __init__(self, folder):
        self.folder = folder

    def __call__(self, instance, filename):
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        extension = "jpg" if extension == "jpeg" else extension
        if extension not in WEB_IMAGE_FORMATS.values():
            extension = "img"
        return f"{self.folder}/{timezone.now():%Y}/{uuid.uuid4().hex}.{extension}"

    def __eq__(self, other):
        return isinstance(other, RandomImagePath) and other.folder == self.folder


def record_upload(name, origin, field="", by_id=None, chosen_name=""):
    """Remember a stored upload: where it came from, who uploaded it (a user's id), the file name they chose."""
    from .models import Upload

    chosen_name = "".join(character for character in chosen_name if character.isprintable())[:255]
    Upload.objects.update_or_create(
        name=name,
        defaults={"origin": origin, "field": field, "uploaded_by_id": by_id, "chosen_name": chosen_name},
    )


def upload_name(url):
    """
    The storage name of the upload ``url`` points at (``/media/uploads/2025/03/….png`` → ``uploads/2025/03/….png``),
    or None for any other address. Addresses on another host count only when it is the storage's own (a CDN).
    """
    base, prefix = _media_base()
    parts = urlsplit(url.strip())
    if parts.netloc and parts.netloc != base.netloc:
        return None
    if not parts.path.startswith(prefix):
        return None
    name = posixpath.normpath(unquote(parts.path.removeprefix(prefix)))
    if name.startswith(("..", "/")) or name == "." or "\x00" in name or len(name) > 255:
        return None
    return name


def _media_base():
    """The storage's address of a file, split, and its path prefix (``/media/`` on this machine's disk)."""
    from django.core.files.storage import default_storage

    base = urlsplit(default_storage.url("x"))
    return base, base.path[:-1]


class _AddressFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.addresses = []

    def handle_starttag(self, tag, attrs):
        wanted = {"img": "src", "a": "href"}.get(tag)
        self.addresses.extend(value for name, value in attrs if name == wanted and value)


def uploads_in_html(html):
    """The storage names of the uploads rich text shows (``<img src>``) or links to (``<a href>``)."""
    if not html or _media_base()[1] not in html:
        return set()  # most text names no upload: spare the parsing
    finder = _AddressFinder()
    finder.feed(html)
    finder.close()
    return {name for name in map(upload_name, finder.addresses) if name}
