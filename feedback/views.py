from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView

from articles.models import Article
from translations.reading import localize, translated_only

from . import throttle
from .forms import FeedbackForm
from .origin import from_another_site


# No CSRF token, so that article pages set no per-reader cookie; posts from other sites are refused instead
# (see feedback/origin.py).
@method_decorator(csrf_exempt, name="dispatch")
class FeedbackView(FormView):
    """
    “Was this page helpful?” under an article. The form is an ordinary POST, so it works without JavaScript:
    a valid answer redirects back to the article with a thank-you, an invalid one shows this page with errors.
    """

    form_class = FeedbackForm
    template_name = "feedback/feedback_form.html"
    http_method_names = ["get", "post"]
    translated = True  # under an article in any language readers can read it in

    def dispatch(self, request, *args, **kwargs):
        article = get_object_or_404(translated_only(Article.objects.published()), slug=kwargs["slug"])
        self.article = localize([article])[0]
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if from_another_site(request):
            raise PermissionDenied(_("Answers are accepted only from this site's own pages."))
        if not throttle.allow(
            request, "feedback", limit=settings.FEEDBACK_RATE_LIMIT, period=settings.FEEDBACK_RATE_PERIOD
        ):
            return render(request, "feedback/throttled.html", {"article": self.article}, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        form.instance.article = self.article
        form.save()
        messages.success(self.request, _("Thank you. Your feedback helps us keep this page clear and correct."))
        return redirect(self.article.get_absolute_url() + "#feedback")

    def get_context_data(self, **kwargs):
        return super().get_context_data(article=self.article, **kwargs)
