from django.http import JsonResponse
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from .views import VIEWSETS, WithdrawalViewSet

app_name = "api"

router = SimpleRouter()
for resource, viewset in VIEWSETS:
    router.register(resource.prefix, viewset, basename=resource.basename)
router.register("withdrawals", WithdrawalViewSet, basename="withdrawal")


class SchemaView(SpectacularAPIView):
    anonymous_budget = "docs"  # its own budget, apart from the API's (api.access.ANONYMOUS_BUDGETS)


class DocsView(SpectacularSwaggerSplitView):
    anonymous_budget = "docs"


urlpatterns = [
    path("v1/schema/", SchemaView.as_view(), name="schema"),
    path("v1/docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    path("v1/", include(router.urls)),
    # Partners' programs read JSON, also when an address is wrong.
    re_path(r"^", lambda request: JsonResponse({"detail": "No such address in the API."}, status=404)),
]
