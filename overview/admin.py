from django.contrib import admin

from .models import PeriodReport


@admin.register(PeriodReport)
class PeriodReportAdmin(admin.ModelAdmin):
    """Reports are requested and downloaded on the portal; here they are only looked at (a
    stuck one may be deleted)."""

    list_display = ["__str__", "status", "sheets_done", "sheets_total", "created_at",
                    "expires_at"]
    list_filter = ["status", "period_kind"]
    list_select_related = ["district", "committee"]
    readonly_fields = [f.name for f in PeriodReport._meta.fields if f.name != "content"]
    exclude = ["content"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
