from django.urls import path

from . import dashboard_views, views

app_name = "overview"

urlpatterns = [
    path("", views.home, name="home"),
    path("districts/<int:pk>/", views.district_detail, name="district-detail"),
    path("districts/<int:pk>/dashboard.xlsx", dashboard_views.district_dashboard_export,
         name="district-dashboard-export"),
    path("committees/<int:pk>/", views.committee_detail, name="committee-detail"),
]
