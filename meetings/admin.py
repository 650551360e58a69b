from django.contrib import admin

from .models import Matter, Meeting


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "committee", "branch", "kind", "starts_at", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
    raw_id_fields = ["committee", "branch", "venue", "units", "signed_off_by", "created_by"]
    date_hierarchy = "starts_at"


@admin.register(Matter)
class MatterAdmin(admin.ModelAdmin):
    list_display = ["title", "committee", "kind", "status", "raised_on", "due_on"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
    raw_id_fields = [
        "committee", "raised_by_member", "raised_by_unit", "responsible_member",
        "responsible_team", "responsible_unit", "created_by",
    ]
