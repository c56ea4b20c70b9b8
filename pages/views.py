from django.views.generic import DetailView

from articles.views import PreviewMixin, StaffPreviewMixin

from .models import Page


class PageDetailView(PreviewMixin, DetailView):
    model = Page


class PagePreviewView(StaffPreviewMixin, PageDetailView):
    pass
