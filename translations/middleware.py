from .languages import current_language, source_language
from .views import not_available


class TranslatedOnlyMiddleware:
    """
    Under a translation's prefix (/es/…) only the views that show reviewed translations answer (they are marked
    ``translated = True``); any other page says it is not available in that language and links the English one,
    rather than serving English words under a Spanish address.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if current_language() == source_language():
            return None
        view = getattr(view_func, "view_class", view_func)
        if getattr(view, "translated", False) or getattr(view_func, "translated", False):
            return None
        return not_available(request)
