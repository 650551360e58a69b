"""成果联享: what a resident unit did with the district's committees in a year, on its page and
in Excel, and a committee's partners ranked by what they contributed.

Reads only. Money is counted from funding lines only (docs/decisions.md): a resource's amount
is what an offer is worth, listed on its row and never summed. Amounts are ``Decimal`` yuan
throughout, summed without floats.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from committees.models import Seat
from core.dates import year_dates
from core.db import count_of
from core.scope import scope_of
from core.xlsx import add_sheet, date_cell, datetime_cell, new_workbook, workbook_bytes
from units.agreements import ends_soon
from units.models import (
    Agreement,
    AgreementStatus,
    NeedStatus,
    Project,
    ProjectStatus,
    Resource,
    Unit,
)

from .funding import funding_totals
from .models import (
    Activity,
    ActivityStatus,
    Attendance,
    Funding,
    FundingSource,
    FundingState,
)

MONEY = DecimalField(max_digits=14, decimal_places=2)
HOURS = DecimalField(max_digits=9, decimal_places=1)


@dataclass
class UnitLedger:
    unit: Unit
    year: int
    agreements: list  # Agreement, with .committee; drafts left out
    seats: list  # Seat held by the unit's people (or members working there), with .committee
    projects: list  # Project the unit took part in, with .committee and .need
    needs_met: list  # Need of those projects that is met
    resources: list  # Resource the unit offered in the year, with .committee (not money)
    activities: list  # Activity the unit co-organised in the year, with .committee
    volunteer_hours: Decimal  # recorded by members working at the unit, in the year
    attendances: int  # how many times those members attended
    funding_lines: list  # Funding the unit gave, dated in the year, with what it funded
    funding: dict  # their totals (activities.funding.funding_totals): the unit's money


def _visible(queryset, user):
    return queryset if user is None else queryset.for_user(user)


def _visible_attendance(unit, user):
    """Attendance as far as ``user`` may count it: the unit's liaison counts their people's
    hours wherever they served (a total, no names); others what their scope holds."""
    if user is None or unit.pk in scope_of(user).unit_ids:
        return Attendance.objects.all()
    return Attendance.objects.for_user(user)


def unit_ledger(unit: Unit, year: int, user=None) -> UnitLedger:
    """The unit's co-building record for ``year`` (eight queries, whatever its size), as far as
    ``user`` may see it (``None``: all of it). The district and the unit's liaison see the
    whole record; a committee's secretary their committee's part of it; members the projects
    and seats of their committee. Agreements and offered resources stay between the committee's
    side and the unit (``core.scope``), so the totals are of what the user may see.

    * agreements whose term (up to the day one was ended) overlaps the year, drafts left out;
    * seats held for the unit whose term overlaps the year;
    * projects the unit took part in that ran during the year (from their start, or their
      creation when not started, to their finish, or on if unfinished), and the needs they met;
    * resources offered during the year (their amounts are what the offers are worth, not
      money given: they are not summed);
    * activities the unit co-organised that started in the year, cancelled ones left out;
    * the volunteer hours and attendances of members working at the unit (``employer_unit``)
      at activities that started in the year;
    * funding lines the unit gave dated in the year, and their totals by source and state:
      the one count of the unit's money.
    """
    first, last = year_dates(year)
    agreements = list(
        _visible(Agreement.objects, user)
        .filter(unit=unit, starts_on__lte=last, ends_on__gte=first)
        .exclude(status=AgreementStatus.DRAFT)
        .exclude(ended_on__lt=first)
        .select_related("committee")
        .order_by("starts_on", "committee__name", "pk")
    )
    seats = list(
        _visible(Seat.objects, user).filter(unit=unit, term_start__lte=last)
        .filter(Q(term_end__isnull=True) | Q(term_end__gte=first))
        .select_related("committee", "member")
        .order_by("term_start", "pk")
    )
    projects = list(
        _visible(Project.objects, user).filter(units=unit)
        .filter(
            Q(started_on__lte=last) | Q(started_on__isnull=True, created_at__date__lte=last)
        )
        .filter(Q(finished_on__isnull=True) | Q(finished_on__gte=first))
        .select_related("committee", "need")
        .order_by("started_on", "pk")
    )
    needs_met = list({
        p.need.pk: p.need for p in projects if p.need and p.need.status == NeedStatus.MET
    }.values())
    resources = list(
        _visible(Resource.objects, user).filter(unit=unit, offered_on__range=(first, last))
        .select_related("committee")
        .order_by("offered_on", "pk")
    )
    activities = list(
        _visible(Activity.objects, user).filter(units=unit, starts_at__year=year)
        .exclude(status=ActivityStatus.CANCELLED)
        .select_related("committee")
        .order_by("starts_at", "pk")
    )
    service = _visible_attendance(unit, user).filter(
        member__employer_unit=unit, activity__starts_at__year=year
    ).aggregate(
        hours=Coalesce(Sum("hours"), Decimal("0.0"), output_field=HOURS),
        count=Count("pk"),
    )
    funding = _visible(Funding.objects, user).filter(
        unit=unit, source=FundingSource.UNIT, date__range=(first, last)
    )
    funding_lines = list(
        funding.select_related("committee", "activity", "project").order_by("date", "pk")
    )
    return UnitLedger(
        unit=unit, year=year, agreements=agreements, seats=seats, projects=projects,
        needs_met=needs_met, resources=resources, activities=activities,
        volunteer_hours=service["hours"], attendances=service["count"],
        funding_lines=funding_lines, funding=funding_totals(funding),
    )


def committee_partners(committee):
    """Units with an agreement with ``committee`` (any status but draft), ranked by what they
    did for it: the committee's projects they took part in once approved, then the money they
    gave it, then name. One query.

    ``money`` is their sponsorship received for the committee's activities and projects
    (funding lines of source "unit"; pledges do not count yet), and nothing else: the amounts
    of the resources they offered are not money (a funds offer counts once its money is a
    funding line), so no yuan is counted twice.

    Each unit carries ``n_projects`` and ``money`` (Decimal), each from a subquery, so neither
    multiplies the other. Pages show ``money`` only to the committee's side (funding stays
    between it and the unit).
    """
    partners = Agreement.objects.filter(committee=committee).exclude(
        status=AgreementStatus.DRAFT
    ).values("unit_id")
    return (
        Unit.objects.filter(pk__in=partners)
        .annotate(**_partner_figures(committee, OuterRef("pk")))
        .order_by("-n_projects", "-money", "name")
    )


def committee_partners_and_expiring(committee, *, expiring: bool) -> tuple[list, list]:
    """``committee_partners`` and, with ``expiring``, ``units.agreements.expiring_agreements``
    (for the committee's side), from one query: the committee's agreements but drafts, with
    their units and each unit's figures; ranked and picked here (a committee has a few
    dozen)."""
    agreements = list(
        Agreement.objects.filter(committee=committee).exclude(status=AgreementStatus.DRAFT)
        .select_related("unit")
        .annotate(**_partner_figures(committee, OuterRef("unit_id")))
    )
    units = {}
    for agreement in agreements:
        unit = units.setdefault(agreement.unit_id, agreement.unit)
        unit.n_projects, unit.money = agreement.n_projects, agreement.money
    partners = sorted(units.values(), key=lambda u: (-u.n_projects, -u.money, u.name))
    today = timezone.localdate()
    ending = sorted(
        (a for a in agreements if expiring and ends_soon(a, today)),
        key=lambda a: (a.ends_on, a.unit.name),
    )
    return partners, ending


def _partner_figures(committee, unit) -> dict:
    """A unit's ``n_projects`` and ``money`` for ``committee`` (``committee_partners``), as
    correlated subqueries on ``unit`` (an ``OuterRef`` to the unit's pk)."""
    sponsored = Subquery(
        Funding.objects.filter(
            unit=unit, committee=committee, source=FundingSource.UNIT,
            state=FundingState.RECEIVED,
        )
        .order_by()
        .values("unit")
        .annotate(total=Sum("amount"))
        .values("total"),
        output_field=MONEY,
    )
    return {
        "n_projects": count_of(
            Project.objects.filter(units=unit, committee=committee)
            .exclude(status=ProjectStatus.PROPOSED)
        ),
        "money": Coalesce(sponsored, Decimal(0), output_field=MONEY),
    }


# -- the Excel workbook -------------------------------------------------------------------------

def ledger_xlsx(ledger: UnitLedger) -> bytes:
    """The ledger as a workbook: a summary, then one sheet each for agreements, seats,
    projects, resources, activities and funding. Chinese headers; every text cell escaped
    against formulas; amounts and hours as numbers."""
    workbook = new_workbook()
    with translation.override("zh-hans"):
        add_sheet(workbook, "概况", ["项目", "内容"], [
            ["单位", ledger.unit.name],
            ["年度", ledger.year],
            ["共建协议（个）", len(ledger.agreements)],
            ["兼职委员（人）", len(ledger.seats)],
            ["参与共建项目（个）", len(ledger.projects)],
            ["帮助解决需求（个）", len(ledger.needs_met)],
            ["提供资源（项）", len(ledger.resources)],
            ["共建活动（次）", len(ledger.activities)],
            ["志愿服务时长（小时）", ledger.volunteer_hours],
            ["志愿服务人次", ledger.attendances],
            ["资助已到账（元）", ledger.funding["received"]],
            ["资助已承诺未到账（元）", ledger.funding["pledged"]],
        ])
        add_sheet(
            workbook, "共建协议",
            ["共建社区", "签订日期", "起始日期", "终止日期", "状态", "社区承诺", "单位承诺"],
            [
                [a.committee.name, date_cell(a.signed_on), date_cell(a.starts_on),
                 date_cell(a.ended_on or a.ends_on), str(a.get_current_status_display()),
                 a.committee_commits, a.unit_commits]
                for a in ledger.agreements
            ],
        )
        add_sheet(
            workbook, "兼职委员",
            ["社区", "姓名", "职务", "任期开始", "任期结束", "承诺"],
            [
                [s.committee.name, s.holder, s.title, date_cell(s.term_start),
                 date_cell(s.term_end), s.commitment]
                for s in ledger.seats
            ],
        )
        add_sheet(
            workbook, "共建项目",
            ["社区", "项目", "状态", "对应需求", "需求状态", "开始日期", "完成日期"],
            [
                [p.committee.name, p.title, str(p.get_status_display()),
                 p.need.title if p.need else "",
                 str(p.need.get_status_display()) if p.need else "",
                 date_cell(p.started_on), date_cell(p.finished_on)]
                for p in ledger.projects
            ],
        )
        resources = add_sheet(
            workbook, "提供资源",
            ["社区", "类别", "内容", "数量", "折合价值（元）", "状态", "提供日期"],
            [
                [r.committee.name, str(r.get_kind_display()), r.description, r.quantity,
                 r.amount, str(r.get_status_display()), date_cell(r.offered_on)]
                for r in ledger.resources
            ],
        )
        for (cell,) in resources.iter_rows(min_row=2, min_col=5, max_col=5):
            cell.number_format = "#,##0.00"
        add_sheet(
            workbook, "共建活动",
            ["社区", "活动", "开始时间", "状态"],
            [
                [a.committee.name, a.title, datetime_cell(a.starts_at), str(a.get_status_display())]
                for a in ledger.activities
            ],
        )
        funding = add_sheet(
            workbook, "资助",
            ["社区", "活动或项目", "金额（元）", "状态", "日期", "备注"],
            [
                [f.committee.name, (f.activity or f.project).title, f.amount,
                 str(f.get_state_display()), date_cell(f.date), f.note]
                for f in ledger.funding_lines
            ],
        )
        funding.append(["已到账合计", "", ledger.funding["received"], "", "", ""])
        funding.append(["已承诺合计", "", ledger.funding["pledged"], "", "", ""])
        for (cell,) in funding.iter_rows(min_row=2, min_col=3, max_col=3):
            cell.number_format = "#,##0.00"
    return workbook_bytes(workbook)
