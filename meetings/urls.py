from django.urls import path

from . import compliance_views, joint_views, matter_views, views, visit_views

app_name = "meetings"

urlpatterns = [
    # meetings (views.py)
    path("committees/<int:pk>/meetings/", views.meeting_list, name="meeting-list"),
    path("committees/<int:pk>/meetings/new/", views.meeting_create,
         name="meeting-create"),
    path("branches/<int:pk>/meetings/new/", views.branch_meeting_create,
         name="branch-meeting-create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/edit/", views.meeting_update, name="meeting-update"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance,
         name="meeting-attendance"),
    path("meetings/<int:pk>/agenda/new/", views.agenda_create, name="agenda-create"),
    path("agenda/<int:pk>/edit/", views.agenda_update, name="agenda-update"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting-minutes"),
    path("meetings/<int:pk>/sign-off/", views.meeting_sign_off,
         name="meeting-sign-off"),
    path("meetings/<int:pk>/addendum/", views.meeting_addendum,
         name="meeting-addendum"),
    path("meetings/<int:pk>/print/", views.meeting_print, name="meeting-print"),
    path("meetings/<int:pk>/qr/", views.meeting_qr, name="meeting-qr"),
    path("meetings/checkin/<str:token>/", views.meeting_qr_checkin,
         name="meeting-qr-checkin"),
    path("meetings/<int:pk>/attachments/", views.attachment_upload,
         name="attachment-upload"),
    path("meetings/<int:pk>/attachments/<int:attachment_pk>/", views.attachment_file,
         name="attachment-file"),
    # joint party lectures and organisational life (joint_views.py)
    path("meetings/<int:pk>/joint-branches/", joint_views.joint_branches,
         name="joint-branches"),
    path("branches/<int:pk>/joint-meetings/", joint_views.branch_joint_meetings,
         name="branch-joint-meetings"),
    path("joint-invitations/<int:pk>/adopt/", joint_views.joint_adopt, name="joint-adopt"),
    # matters, 一事一议 (matter_views.py)
    path("committees/<int:pk>/matters/", matter_views.matter_list, name="matter-list"),
    path("committees/<int:pk>/matters/new/", matter_views.matter_create, name="matter-create"),
    path("matters/<int:pk>/", matter_views.matter_detail, name="matter-detail"),
    path("matters/<int:pk>/edit/", matter_views.matter_update, name="matter-update"),
    path("matters/<int:pk>/status/", matter_views.matter_status, name="matter-status"),
    path("matters/<int:pk>/follow-up/", matter_views.matter_follow_up,
         name="matter-follow-up"),
    path("matters/<int:pk>/flag/", matter_views.matter_flag, name="matter-flag"),
    path("matters/<int:pk>/mediated/", matter_views.matter_mediated, name="matter-mediated"),
    # visits, 走街串户 (visit_views.py)
    path("committees/<int:pk>/visits/", visit_views.visit_list, name="visit-list"),
    path("committees/<int:pk>/visits/new/", visit_views.visit_create, name="visit-create"),
    path("visits/<int:pk>/", visit_views.visit_detail, name="visit-detail"),
    path("visits/<int:pk>/matter/", visit_views.visit_matter, name="visit-matter"),
    # compliance (compliance_views.py)
    path("committees/<int:pk>/compliance/", compliance_views.committee_compliance,
         name="committee-compliance"),
    path("branches/<int:pk>/compliance/", compliance_views.branch_compliance,
         name="branch-compliance"),
    path("districts/<int:pk>/compliance/", compliance_views.district_compliance,
         name="district-compliance"),
]
