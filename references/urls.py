from django.urls import path

from . import views

app_name = "references"

urlpatterns = [
    path("sources/<int:pk>/", views.SourceDetailView.as_view(), name="source_detail"),
]
