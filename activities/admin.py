from django.contrib import admin

from .models import Activity, Funding, ServiceTeam


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "committee", "line", "status", "starts_at"]
    list_filter = ["line", "status"]
    search_fields = ["title"]
    raw_id_fields = ["committee", "project", "venue"]
    filter_horizontal = ["branches", "units", "teams"]


@admin.register(Funding)
class FundingAdmin(admin.ModelAdmin):
    list_display = ["committee", "source", "unit", "donor", "amount", "state", "date"]
    list_filter = ["source", "state"]
    raw_id_fields = ["unit"]


@admin.register(ServiceTeam)
class ServiceTeamAdmin(admin.ModelAdmin):
    list_display = ["name", "committee", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    raw_id_fields = ["committee", "leader", "members"]
