from django.urls import path

from . import agreement_views, list_views, pickers, views

app_name = "units"

urlpatterns = [
    # resident units and their ledger (成果联享)
    path("units/", views.unit_list, name="unit-list"),
    path("units/pick/", pickers.unit_choices, name="pick"),
    path("units/new/", views.unit_create, name="unit-create"),
    path("units/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("units/<int:pk>/edit/", views.unit_update, name="unit-update"),
    # co-building agreements (共建协议) and the part-time seats made from them
    path("committees/<int:pk>/agreements/", agreement_views.agreement_list,
         name="agreement-list"),
    path("committees/<int:pk>/agreements/new/", agreement_views.agreement_create,
         name="agreement-create"),
    path("agreements/<int:pk>/", agreement_views.agreement_detail, name="agreement-detail"),
    path("agreements/<int:pk>/edit/", agreement_views.agreement_update,
         name="agreement-update"),
    path("agreements/<int:pk>/renew/", agreement_views.agreement_renew, name="agreement-renew"),
    path("agreements/<int:pk>/end/", agreement_views.agreement_end, name="agreement-end"),
    path("agreements/<int:pk>/seat/", agreement_views.agreement_seat_create,
         name="agreement-seat-create"),
    # the three lists (需求清单、资源清单、项目清单) and matching
    path("committees/<int:pk>/needs/", list_views.need_list, name="need-list"),
    path("committees/<int:pk>/needs/new/", list_views.need_create, name="need-create"),
    path("needs/<int:pk>/", list_views.need_detail, name="need-detail"),
    path("needs/<int:pk>/edit/", list_views.need_update, name="need-update"),
    path("needs/<int:pk>/match/", list_views.need_match, name="need-match"),
    path("committees/<int:pk>/resources/", list_views.resource_list, name="resource-list"),
    path("committees/<int:pk>/resources/new/", list_views.resource_create,
         name="resource-create"),
    path("resources/<int:pk>/edit/", list_views.resource_update, name="resource-update"),
    path("committees/<int:pk>/projects/", list_views.project_list, name="project-list"),
    path("projects/<int:pk>/", list_views.project_detail, name="project-detail"),
    path("projects/<int:pk>/edit/", list_views.project_update, name="project-update"),
]
