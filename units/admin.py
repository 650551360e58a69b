from django.contrib import admin

from .models import Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "district", "contact_name"]
    list_filter = ["kind", "district"]
    search_fields = ["name"]
