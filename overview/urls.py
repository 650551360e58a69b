from django.urls import path

from . import coverage_views, dashboard_views, views

app_name = "overview"

urlpatterns = [
    path("", views.home, name="home"),
    path("districts/<int:pk>/", views.district_detail, name="district-detail"),
    path("districts/<int:pk>/dashboard.xlsx", dashboard_views.district_dashboard_export,
         name="district-dashboard-export"),
    path("committees/<int:pk>/", views.committee_detail, name="committee-detail"),
    path("districts/<int:pk>/coverage/", coverage_views.district_coverage,
         name="district-coverage"),
    path("committees/<int:pk>/coverage/", coverage_views.committee_coverage,
         name="committee-coverage"),
]
