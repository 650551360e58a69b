"""Reads of units that span their agreements and their party organisation."""

from django.apps import apps
from django.db.models import Count, Exists, OuterRef

from committees.selectors import mark_opened_committees
from core.db import count_of

from .models import Agreement, Unit


def _branch():
    return apps.get_model("branches.Branch")  # above units: named, not imported


def unit_rows(user):
    """The units ``user`` may read, each with the number of its agreements in force today,
    whether its party organisation is kept in the portal (``has_organisation``) and, if so,
    its members counted from the roster (``counted_members``)."""
    Branch = _branch()
    Member = apps.get_model("members.Member")
    return Unit.objects.for_user(user).annotate(
        agreements_in_force=Count("agreements", filter=Agreement.in_force_q("agreements__")),
        has_organisation=Exists(
            Branch.objects.filter(unit_id=OuterRef("pk"), parent__isnull=True)
        ),
        counted_members=count_of(Member.objects.filter(branch__unit_id=OuterRef("pk"))),
    ).order_by("name", "pk")


def attach_member_committees(units) -> None:
    """Give each of ``units`` (a page) the names of the committees its party organisation is a
    member organisation of today, as ``member_of``. One query."""
    CommitteeMembership = apps.get_model("branches.CommitteeMembership")
    names: dict[int, list[str]] = {}
    for unit_id, name in (
        CommitteeMembership.objects.filter(
            CommitteeMembership.current_q(), branch__unit_id__in=[u.pk for u in units],
            branch__parent__isnull=True,
        ).order_by("committee__name").values_list("branch__unit_id", "committee__name")
    ):
        names.setdefault(unit_id, []).append(name)
    for unit in units:
        unit.member_of = names.get(unit.pk, [])


def unit_organisation(unit, user):
    """The unit's party organisation kept in the portal (one, or None), with the committees it
    is a member organisation of (``current_memberships``) and its ``member_count``; and what
    ``user`` may open of them (the district's units are read by all who work in it, their
    organisations and committees are not): ``opens`` on the organisation, ``opens_committee``
    on each membership."""
    Branch = _branch()
    CommitteeMembership = apps.get_model("branches.CommitteeMembership")
    org = (
        Branch.objects.filter(unit=unit, parent__isnull=True)
        .select_related("committee", "secretary")
        .annotate(member_count=Count("members"))
        .first()
    )
    if org is not None:
        org.current_memberships = list(
            CommitteeMembership.objects.filter(CommitteeMembership.current_q(), branch=org)
            .select_related("committee").order_by("committee__name")
        )
        mark_opened_committees(user, org.current_memberships)
        org.opens = Branch.objects.for_user(user).filter(pk=org.pk).exists()
    return org
