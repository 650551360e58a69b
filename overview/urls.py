from django.urls import path

from . import (
    access_views,
    commitment_views,
    coverage_views,
    dashboard_views,
    report_views,
    views,
)

app_name = "overview"

urlpatterns = [
    path("", views.home, name="home"),
    path("districts/<int:pk>/", views.district_detail, name="district-detail"),
    path("districts/<int:pk>/committees/", views.district_committees,
         name="district-committees"),
    path("districts/<int:pk>/dashboard.xlsx", dashboard_views.district_dashboard_export,
         name="district-dashboard-export"),
    path("committees/<int:pk>/", views.committee_detail, name="committee-detail"),
    path("districts/<int:pk>/coverage/", coverage_views.district_coverage,
         name="district-coverage"),
    path("committees/<int:pk>/coverage/", coverage_views.committee_coverage,
         name="committee-coverage"),
    path("districts/<int:pk>/access-log/", access_views.district_access_log,
         name="district-access-log"),
    path("districts/<int:pk>/reports/", report_views.district_reports, name="district-reports"),
    path("committees/<int:pk>/reports/", report_views.committee_reports,
         name="committee-reports"),
    path("reports/<int:pk>/", report_views.report_detail, name="report-detail"),
    path("reports/<int:pk>/report.xlsx", report_views.report_download, name="report-download"),
    path("committees/<int:pk>/summary/", report_views.committee_summary,
         name="committee-summary"),
    path("me/commitments/", commitment_views.my_commitments, name="my-commitments"),
    path("committees/<int:pk>/commitments/", commitment_views.committee_commitments,
         name="committee-commitments"),
    path("commitments/<int:pk>/review/", commitment_views.commitment_review,
         name="commitment-review"),
]
