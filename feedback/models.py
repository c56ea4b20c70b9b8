from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

COMMENT_MAX_LENGTH = 1000


class Feedback(models.Model):
    """One reader's answer to “Was this page helpful?” under an article."""

    class Reason(models.TextChoices):
        ERROR = "error", _("Report an error")
        UNCLEAR = "unclear", _("Hard to understand")
        OTHER = "other", _("Something else")

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="feedback", verbose_name=_("article")
    )
    helpful = models.BooleanField(_("helpful"))
    reason = models.CharField(
        _("what was wrong"),
        max_length=10,
        choices=Reason,
        blank=True,
        help_text=_("Only for answers of “No”."),
    )
    comment = models.TextField(
        _("comment"),
        max_length=COMMENT_MAX_LENGTH,
        blank=True,
        help_text=_("What the reader wrote, as plain text. Readers are asked not to include personal details."),
    )
    is_resolved = models.BooleanField(
        _("dealt with"),
        default=False,
        help_text=_("Tick once an editor has looked into it, e.g. corrected a reported error."),
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(helpful=True, reason="") | Q(helpful=False) & ~Q(reason=""),
                name="feedback_reason_only_when_not_helpful",
                violation_error_message=_("A reason is given with “No”, and only then."),
            ),
        ]

    def __str__(self):
        answer = _("Helpful") if self.helpful else self.get_reason_display()
        return f"{answer}: {self.article}"
