"""Meetings and matters in the Django admin, to look at only: their writes go through the
services (row locks, signed-off minutes read-only, audit), which the admin would bypass."""

from django.contrib import admin

from .models import Matter, Meeting, Visit


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "committee", "branch", "kind", "starts_at", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"


@admin.register(Matter)
class MatterAdmin(ReadOnlyAdmin):
    list_display = ["title", "committee", "kind", "status", "outcome", "risk_flag", "raised_on",
                    "due_on"]
    list_filter = ["kind", "status", "outcome", "risk_flag"]
    search_fields = ["title"]


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ["address", "committee", "place_kind", "visited_on"]
    list_filter = ["place_kind"]
    search_fields = ["address"]
    date_hierarchy = "visited_on"
