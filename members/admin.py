from django.contrib import admin

from .models import Appraisal, CheckIn, Commitment, Member, SignUp, Transfer


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "committee", "branch", "category", "status"]
    list_filter = ["category", "status", "committee__district"]
    list_select_related = ["committee", "branch"]
    # The roster's searches, each served by an index: part of the name (the trigram index of
    # members/0010 on PostgreSQL), pinyin and initials by prefix, the mobile's last four
    # digits (Member.Meta.indexes). Never the ID number.
    search_fields = ["name__contains", "name_initials__startswith", "name_pinyin__startswith",
                     "=mobile_tail"]
    autocomplete_fields = ["committee", "branch", "user", "employer_unit"]
    exclude = ["id_number"]  # shown masked on the portal's member page, revealed with a log
    readonly_fields = ["name_pinyin", "name_initials", "mobile_tail"]
    show_full_result_count = False


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["member", "committee", "status", "requested_at", "started_on", "ended_on"]
    list_filter = ["status"]
    list_select_related = ["member", "committee"]
    raw_id_fields = ["member", "committee", "decided_by"]
    show_full_result_count = False


@admin.register(Transfer)
class TransferAdmin(admin.ModelAdmin):
    list_display = ["member", "from_branch", "to_branch", "transferred_on"]
    list_select_related = ["member", "from_branch", "to_branch"]
    raw_id_fields = ["member", "from_branch", "to_branch", "recorded_by"]


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ["member", "committee", "year", "category", "outcome", "public"]
    list_filter = ["year", "category", "outcome"]
    list_select_related = ["member", "committee"]
    raw_id_fields = ["member", "committee"]


@admin.register(Appraisal)
class AppraisalAdmin(admin.ModelAdmin):
    list_display = ["member", "branch", "year", "rating"]
    list_filter = ["year", "rating"]
    raw_id_fields = ["member", "branch"]


@admin.register(SignUp)
class SignUpAdmin(admin.ModelAdmin):
    list_display = ["name", "committee", "status", "created_at"]
    list_filter = ["status"]
    exclude = ["id_number"]
    raw_id_fields = ["user", "committee", "member", "decided_by"]
