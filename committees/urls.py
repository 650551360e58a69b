from django.urls import path

from . import views

app_name = "committees"

urlpatterns = [
    path(
        "districts/<int:district_pk>/committees/new/",
        views.committee_create,
        name="committee-create",
    ),
    path("committees/<int:pk>/edit/", views.committee_update, name="committee-update"),
    path("committees/<int:pk>/delete/", views.committee_delete, name="committee-delete"),
    path("committees/<int:committee_pk>/seats/new/", views.seat_create, name="seat-create"),
    path("seats/<int:pk>/edit/", views.seat_update, name="seat-update"),
    path("seats/<int:pk>/delete/", views.seat_delete, name="seat-delete"),
    path("committees/<int:committee_pk>/venues/new/", views.venue_create, name="venue-create"),
    path("venues/<int:pk>/edit/", views.venue_update, name="venue-update"),
    path("venues/<int:pk>/delete/", views.venue_delete, name="venue-delete"),
]
