from django.urls import path

from . import views

app_name = "overview"

urlpatterns = [
    path("", views.home, name="home"),
    path("districts/<int:pk>/", views.district_detail, name="district-detail"),
    path("committees/<int:pk>/", views.committee_detail, name="committee-detail"),
]
