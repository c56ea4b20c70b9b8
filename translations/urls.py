from django.urls import path

from . import views

app_name = "translations"

urlpatterns = [
    path("preview/translations/<int:pk>/", views.preview, name="preview"),
]
