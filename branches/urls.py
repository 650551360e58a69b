from django.urls import path

from . import pickers, views

app_name = "branches"

urlpatterns = [
    path("branches/pick/", pickers.branch_choices, name="pick"),
    path("committees/<int:committee_pk>/branches/new/", views.branch_create, name="branch-create"),
    path("branches/<int:pk>/", views.branch_detail, name="branch-detail"),
    path("branches/<int:pk>/groups/new/", views.group_create, name="group-create"),
    path("branches/<int:pk>/edit/", views.branch_update, name="branch-update"),
    path("branches/<int:pk>/delete/", views.branch_delete, name="branch-delete"),
    path("committees/<int:committee_pk>/member-organisations/new/", views.membership_create,
         name="membership-create"),
    path("member-organisations/<int:pk>/end/", views.membership_end, name="membership-end"),
]
