"""
Image uploads: one set of rules for hero images, contributor photos and images
placed in the rich-text editor.

Every upload must be a real image (decoded by Pillow, not trusted by its name),
in a web format, no larger than ``settings.IMAGE_UPLOAD_MAX_BYTES``, and is
stored under a random name so that file names leak nothing and never collide.
"""

import uuid
from io import BytesIO

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
        if file and not file._committed:
            file.file = ContentFile(without_metadata(file.file, inspect_image(file.file)), name=file.name)
        return super().pre_save(model_instance, add)


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
