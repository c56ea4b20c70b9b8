from django.views.generic import DetailView

from articles.views import PreviewMixin, StaffPreviewMixin
from translations.views import TranslatedPageMixin

from .models import Page


class PageDetailView(TranslatedPageMixin, PreviewMixin, DetailView):
    model = Page


class PagePreviewView(StaffPreviewMixin, PageDetailView):
    pass
