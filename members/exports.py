"""The roster as a spreadsheet: one row per member, Chinese headers, masked as on the pages.

``roster_xlsx(export_queryset(rows, user))`` is all a view needs. Who sees what follows
``core.scope``, decided without a query per row (two annotations on the roster query, so the
export stays one query whatever its size):

* full ID numbers: ``full_id_number_q`` (``can_see_full_id_number`` for many rows: the
  district's officers, a member's own row);
* full mobiles and addresses: ``contact_details_q`` (``can_see_contact_details``: whoever may
  change the record, a member's own row).

Rows without the annotations are masked throughout.

Every text cell is escaped against formula injection (``core.xlsx.escape_cell``).

An export that holds any full value writes one audit entry (``full_fields`` says which;
``core.audit.record_download``); ID numbers never reach a URL or a log line.
"""

from django.db.models import BooleanField, ExpressionWrapper
from django.utils import translation
from import_export import fields, resources
from import_export.formats.base_formats import XLSX

from core.scope import contact_details_q, full_id_number_q
from core.xlsx import date_cell, escape_cell

from .models import Member
from .roster_columns import COLUMN, HEADERS, outside_cell
from .validators import mask_id_number, mask_mobile

FIELDS = tuple(COLUMN)


def export_queryset(queryset, user):
    """The rows to export, with what the export reads joined in and, per row, whether the
    user may see the member's full ID number and contact details (core.scope's rules, one
    query in all)."""
    queryset = queryset.select_related("committee", "branch", "party_group", "employer_unit")
    return queryset.annotate(
        export_full_id=ExpressionWrapper(full_id_number_q(user), output_field=BooleanField()),
        export_contact_visible=ExpressionWrapper(
            contact_details_q(user), output_field=BooleanField()
        ),
    )


def full_fields(rows) -> tuple[str, ...]:
    """Which full values the export of ``rows`` (from ``export_queryset``) carries: the
    ``core.audit.FIELDS`` of at least one row shown in full (empty: everything masked)."""
    rows = list(rows)
    shown = {
        "id_number": any(r.id_number and getattr(r, "export_full_id", False) for r in rows),
        "mobile": any(r.mobile and getattr(r, "export_contact_visible", False) for r in rows),
        "address": any(r.address and getattr(r, "export_contact_visible", False) for r in rows),
    }
    return tuple(name for name, full in shown.items() if full)


class MemberExportResource(resources.ModelResource):
    """Export only (nothing is imported through it). Rows come from ``export_queryset``; the
    columns are ``members.roster_columns``'s, which the import reads back."""

    name = fields.Field(column_name=COLUMN["name"])
    gender = fields.Field(column_name=COLUMN["gender"])
    ethnicity = fields.Field(column_name=COLUMN["ethnicity"])
    id_number = fields.Field(column_name=COLUMN["id_number"])
    mobile = fields.Field(column_name=COLUMN["mobile"])
    joined_on = fields.Field(column_name=COLUMN["joined_on"])
    full_member_on = fields.Field(column_name=COLUMN["full_member_on"])
    status = fields.Field(column_name=COLUMN["status"])
    category = fields.Field(column_name=COLUMN["category"])
    branch = fields.Field(column_name=COLUMN["branch"])
    committee = fields.Field(column_name=COLUMN["committee"])
    employer = fields.Field(column_name=COLUMN["employer"])
    address = fields.Field(column_name=COLUMN["address"])

    class Meta:
        model = Member
        fields = FIELDS
        export_order = FIELDS

    def _shows_full_id(self, member) -> bool:
        return bool(getattr(member, "export_full_id", False))

    def _shows_contact(self, member) -> bool:
        return bool(getattr(member, "export_contact_visible", False))

    def dehydrate_name(self, member):
        return escape_cell(member.name)

    def dehydrate_gender(self, member):
        return escape_cell(member.get_gender_display())

    def dehydrate_ethnicity(self, member):
        return escape_cell(member.ethnicity)

    def dehydrate_id_number(self, member):
        number = member.id_number or ""
        return escape_cell(number if self._shows_full_id(member) else mask_id_number(number))

    def dehydrate_mobile(self, member):
        mobile = member.mobile or ""
        return escape_cell(mobile if self._shows_contact(member) else mask_mobile(mobile))

    def dehydrate_joined_on(self, member):
        return date_cell(member.joined_on)

    def dehydrate_full_member_on(self, member):
        return date_cell(member.full_member_on)

    def dehydrate_status(self, member):
        return escape_cell(member.get_status_display())

    def dehydrate_category(self, member):
        return escape_cell(member.get_category_display())

    def dehydrate_branch(self, member):
        # A membership outside the district is marked, and a member of a party group is
        # written with the group (whose branch holds the membership), so the file imports
        # back as it was.
        if member.party_group_id:
            return escape_cell(member.party_group.name)
        if member.branch_id:
            return escape_cell(member.branch.name)
        return escape_cell(outside_cell(member.outside_organisation))

    def dehydrate_committee(self, member):
        return escape_cell(member.committee.name)

    def dehydrate_employer(self, member):
        return escape_cell(member.employer)

    def dehydrate_address(self, member):
        # The address is a contact detail too (``can_see_contact_details``).
        return escape_cell(member.address if self._shows_contact(member) else "")

    def get_export_headers(self, selected_fields=None):
        return list(HEADERS)


def roster_xlsx(rows) -> bytes:
    """The workbook for ``rows`` (from ``export_queryset``)."""
    with translation.override("zh-hans"):
        dataset = MemberExportResource().export(rows)
        dataset.title = "党员名册"
        return XLSX().export_data(dataset)
