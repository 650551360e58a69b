from django.contrib import admin

from .models import RoleAssignment


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "district", "committee", "branch", "unit"]
    list_filter = ["role"]
    list_select_related = ["user", "district", "committee", "branch", "unit"]
    search_fields = ["user__username"]
    autocomplete_fields = ["user", "district", "committee", "branch", "unit"]
