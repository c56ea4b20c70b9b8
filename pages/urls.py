from django.urls import path

from . import views

app_name = "pages"

urlpatterns = [
    path("<slug:slug>/", views.PageDetailView.as_view(), name="page_detail"),
    path("preview/<int:pk>/", views.PagePreviewView.as_view(), name="page_preview"),
]
