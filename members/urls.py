from django.urls import path

from . import checkin_views, export_views, feedback_views, record_views, signup_views, views

app_name = "members"

urlpatterns = [
    path("committees/<int:pk>/members/", views.committee_roster, name="committee-roster"),
    path("committees/<int:committee_pk>/members/new/", views.member_create, name="member-create"),
    path("branches/<int:pk>/members/", views.branch_roster, name="branch-roster"),
    path("committees/<int:pk>/members/export/", export_views.roster_export,
         name="roster-export"),
    path("members/<int:pk>/", views.member_detail, name="member-detail"),
    path("members/<int:pk>/id-number/", views.member_id_number, name="member-id-number"),
    path("members/<int:pk>/edit/", views.member_update, name="member-update"),
    path("me/", checkin_views.my_page, name="me"),
    path("me/checkin/", checkin_views.my_checkin, name="my-checkin"),
    path("checkin/<str:token>/", checkin_views.checkin_scan, name="checkin-scan"),
    path("committees/<int:pk>/checkin-poster/", checkin_views.checkin_poster,
         name="checkin-poster"),
    path("committees/<int:pk>/checkins/", checkin_views.checkin_queue, name="checkin-queue"),
    path("checkins/<int:pk>/confirm/", checkin_views.checkin_confirm, name="checkin-confirm"),
    path("checkins/<int:pk>/return/", checkin_views.checkin_return, name="checkin-return"),
    path("members/<int:pk>/transfer/", record_views.transfer_create, name="transfer-create"),
    path("members/<int:pk>/commitments/new/", record_views.commitment_create,
         name="commitment-create"),
    path("commitments/<int:pk>/edit/", record_views.commitment_update, name="commitment-update"),
    path("committees/<int:pk>/board/", record_views.board, name="board"),
    path("branches/<int:pk>/appraisal/", record_views.appraisal_summary,
         name="appraisal-summary"),
    path("branches/<int:pk>/appraisal/record/", record_views.appraisal_record,
         name="appraisal-record"),
    path("committees/<int:pk>/feedback/", feedback_views.feedback_sheet, name="feedback-sheet"),
    path("signup/", signup_views.signup, name="signup"),
    path("signups/<int:pk>/approve/", signup_views.signup_approve, name="signup-approve"),
    path("signups/<int:pk>/return/", signup_views.signup_return, name="signup-return"),
]
