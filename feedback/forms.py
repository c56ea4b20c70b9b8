from django import forms
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from .models import COMMENT_MAX_LENGTH, Feedback


class FeedbackForm(forms.ModelForm):
    helpful = forms.TypedChoiceField(
        label=_("Was this page helpful?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(
        label=_("If not, what was wrong?"),
        choices=Feedback.Reason.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Tell us more (optional)"),
        help_text=_("Please do not include your name, contact details or anything about your own health."),
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    class Meta:
        model = Feedback
        fields = ["helpful", "reason", "comment"]

    def clean_comment(self):
        # Kept as plain text: tags are dropped, and what is left is escaped wherever it is shown.
        return " ".join(strip_tags(self.cleaned_data["comment"]).split())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("helpful") is True:
            cleaned["reason"] = ""
        elif cleaned.get("helpful") is False and not cleaned.get("reason"):
            self.add_error("reason", _("Choose what was wrong, so we know what to fix."))
        return cleaned
