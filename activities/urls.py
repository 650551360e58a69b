from django.urls import path

from . import (
    attendance_views,
    evaluation_views,
    feedback_views,
    funding_views,
    ledger_views,
    pickers,
    team_views,
    venue_views,
    views,
)

app_name = "activities"

urlpatterns = [
    # activities: lists, calendar, the activity page, outcome and photos (views.py)
    path("activities/", views.activity_list, name="activity-list"),
    path("activities/mine/", attendance_views.my_activities, name="my-activities"),
    path("committees/<int:pk>/activities/new/", views.activity_create, name="activity-create"),
    path("committees/<int:pk>/activities/calendar/", views.activity_calendar,
         name="activity-calendar"),
    path("activities/<int:pk>/", views.activity_detail, name="activity-detail"),
    path("activities/<int:pk>/edit/", views.activity_update, name="activity-update"),
    path("activities/<int:pk>/cancel/", views.activity_cancel, name="activity-cancel"),
    path("activities/<int:pk>/outcome/", views.activity_outcome, name="activity-outcome"),
    path("activities/<int:pk>/photos/<int:photo_pk>/", views.photo_file, name="photo-file"),
    path("activities/<int:pk>/photos/<int:photo_pk>/delete/", views.photo_delete,
         name="photo-delete"),
    # sign-up, QR and roster attendance, hours (attendance_views.py)
    path("activities/<int:pk>/signup/", attendance_views.signup, name="signup"),
    path("activities/<int:pk>/signup/cancel/", attendance_views.signup_cancel,
         name="signup-cancel"),
    path("activities/<int:pk>/signups/", attendance_views.signup_list, name="signup-list"),
    path("activities/<int:pk>/qr/", attendance_views.activity_qr, name="qr"),
    path("activities/checkin/<str:token>/", attendance_views.activity_qr_checkin,
         name="qr-checkin"),
    path("activities/<int:pk>/attendance/", attendance_views.attendance_roster,
         name="attendance-roster"),
    path("attendances/<int:pk>/edit/", attendance_views.attendance_update,
         name="attendance-update"),
    # funding lines (funding_views.py)
    path("activities/<int:pk>/funding/new/", funding_views.activity_funding_create,
         name="activity-funding-create"),
    path("projects/<int:pk>/funding/new/", funding_views.project_funding_create,
         name="project-funding-create"),
    path("funding/<int:pk>/edit/", funding_views.funding_update, name="funding-update"),
    path("funding/<int:pk>/delete/", funding_views.funding_delete, name="funding-delete"),
    path("committees/<int:pk>/funding/", funding_views.committee_funding,
         name="committee-funding"),
    # a unit's ledger in Excel (ledger_views.py); its page is the unit's (units)
    path("units/<int:pk>/ledger/", ledger_views.unit_ledger_export, name="unit-ledger-export"),
    # the quarterly feedback sheet to employers (feedback_views.py)
    path("committees/<int:pk>/feedback/", feedback_views.feedback_sheet, name="feedback-sheet"),
    # venues over time (venue_views.py)
    path("venues/<int:pk>/improvements/", venue_views.venue_improvements,
         name="venue-improvements"),
    path("venues/<int:pk>/improvements/new/", venue_views.improvement_create,
         name="improvement-create"),
    path("districts/<int:pk>/venue-area/", venue_views.district_venue_area,
         name="district-venue-area"),
    path("units/<int:pk>/feedback/", feedback_views.unit_feedback, name="unit-feedback"),
    path("units/<int:pk>/feedback/<int:committee_pk>/", feedback_views.unit_feedback_sheet,
         name="unit-feedback-sheet"),
    # two-way evaluation (evaluation_views.py)
    path("committees/<int:pk>/evaluation/", evaluation_views.committee_evaluation,
         name="committee-evaluation"),
    path("committees/<int:pk>/evaluation/rate/", evaluation_views.evaluation_rate,
         name="evaluation-rate"),
    path("activities/rate-community/", evaluation_views.community_rating,
         name="community-rating"),
    path("districts/<int:pk>/evaluation/", evaluation_views.district_evaluations,
         name="district-evaluations"),
    # volunteer teams (team_views.py)
    path("teams/", team_views.team_list, name="team-list"),
    path("teams/pick/", pickers.team_choices, name="team-pick"),
    path("committees/<int:pk>/teams/new/", team_views.team_create, name="team-create"),
    path("teams/<int:pk>/", team_views.team_detail, name="team-detail"),
    path("teams/<int:pk>/edit/", team_views.team_update, name="team-update"),
]
