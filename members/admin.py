from django.contrib import admin

from .models import Member


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "committee", "branch", "category"]
    list_filter = ["category", "committee__district"]
    list_select_related = ["committee", "branch"]
    search_fields = ["name"]
    autocomplete_fields = ["committee", "branch", "user"]
    show_full_result_count = False
