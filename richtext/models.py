"""
Every uploaded image, who uploaded it and from where, and which records use it.

An upload is public once a record readers can see uses it; until then only staff who may view a record using it
(or, for an image no record uses yet, staff who may upload images) are shown it. The uses are derived from the
records' content by whoever owns that content (``review.uploads`` reads each reviewed model's declaration);
this module only keeps them and answers the questions.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Who may upload images in the editor, and see the ones no record uses yet.
UPLOAD_PERMISSION = "articles.change_article"


def may_upload(user):
    return user.is_active and user.is_staff and user.has_perm(UPLOAD_PERMISSION)


class UploadQuerySet(models.QuerySet):
    def public(self, now=None):
        """Uploads that a record readers can see now uses."""
        return self.filter(uses__live_from__lte=now or timezone.now()).distinct()


class Upload(models.Model):
    class Origin(models.TextChoices):
        EDITOR = "editor", _("Rich-text editor")
        IMAGE_FIELD = "image_field", _("Image field")
        FOUND = "found", _("Found in content")

    name = models.CharField(
        _("file"), max_length=255, unique=True, help_text=_("Where the file is kept, e.g. uploads/2025/03/….png.")
    )
    origin = models.CharField(
        _("uploaded through"),
        max_length=20,
        choices=Origin,
        help_text=_("“Found in content” is an image a record named before uploads were recorded."),
    )
    field = models.CharField(
        _("field"),
        max_length=120,
        blank=True,
        help_text=_("For an image field, which one, e.g. articles.article.hero_image."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    chosen_name = models.CharField(
        _("file name chosen"),
        max_length=255,
        blank=True,
        help_text=_(
            "The name of the file on the uploader’s computer, e.g. “infusion-pump.jpg”: how staff are told which "
            "image is meant. Never shown to readers, whose address for it is random."
        ),
    )

    objects = UploadQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.core.files.storage import default_storage

        return default_storage.url(self.name)


class UploadUse(models.Model):
    """One record whose content shows an upload (rich-text image or image field), and from when readers see it."""

    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="uses", verbose_name=_("upload"))
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("kind of content"))
    object_id = models.PositiveBigIntegerField(_("record"))
    record = GenericForeignKey("content_type", "object_id")
    live_from = models.DateTimeField(
        _("public from"),
        null=True,
        blank=True,
        help_text=_("When readers may see the record, and so the image; empty while the record is not published."),
    )

    class Meta:
        verbose_name = _("use of an upload")
        verbose_name_plural = _("uses of uploads")
        constraints = [
            models.UniqueConstraint(fields=["upload", "content_type", "object_id"], name="richtext_use_once_per_record")
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="richtext_use_record_idx")]

    def __str__(self):
        return f"{self.upload} in {self.content_type.name} #{self.object_id}"
