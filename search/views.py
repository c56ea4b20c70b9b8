from django.views.generic import TemplateView

from .engine import MAX_QUERY_LENGTH, search


class SearchView(TemplateView):
    template_name = "search/search.html"
    translated = True  # finds what readers can read in the page's language

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
        return super().get_context_data(query=query, results=search(query) if query else [], **kwargs)
