from django.urls import path

from . import coverage_views, views

app_name = "overview"

urlpatterns = [
    path("", views.home, name="home"),
    path("districts/<int:pk>/", views.district_detail, name="district-detail"),
    path("committees/<int:pk>/", views.committee_detail, name="committee-detail"),
    path("districts/<int:pk>/coverage/", coverage_views.district_coverage,
         name="district-coverage"),
    path("committees/<int:pk>/coverage/", coverage_views.committee_coverage,
         name="committee-coverage"),
]
