from django.contrib import admin

from .models import Branch


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "committee", "parent", "secretary"]
    list_filter = ["kind", "committee__district"]
    list_select_related = ["committee", "parent", "secretary"]
    search_fields = ["name", "committee__name"]
    autocomplete_fields = ["committee", "parent", "secretary", "unit"]
    show_full_result_count = False
