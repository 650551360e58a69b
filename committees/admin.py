from django.contrib import admin

from .models import Committee, District, Seat, Venue


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class SeatInline(admin.TabularInline):
    model = Seat
    extra = 0
    autocomplete_fields = ["member", "unit"]


class VenueInline(admin.TabularInline):
    model = Venue
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "street", "district", "established"]
    list_filter = ["district"]
    search_fields = ["name", "street"]
    inlines = [SeatInline, VenueInline]
    show_full_result_count = False


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    list_display = ["committee", "role", "holder", "unit", "term_start", "term_end"]
    list_filter = ["role", "committee__district"]
    list_select_related = ["committee", "member", "unit"]
    autocomplete_fields = ["committee", "member", "unit"]


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "committee", "area", "unit"]
    list_select_related = ["committee", "unit"]
    autocomplete_fields = ["committee", "unit"]
