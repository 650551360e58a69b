"""The project's URLs plus the roster export, until ``members/urls.py`` routes it."""

from django.urls import path

from config.urls import urlpatterns as project_urlpatterns
from members.export_views import roster_export

urlpatterns = [
    *project_urlpatterns,
    path("committees/<int:pk>/members/export/", roster_export, name="roster-export"),
]
