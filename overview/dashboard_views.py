"""The district dashboard: its context on the district's page and its Excel download."""

from html import escape

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from committees.models import District
from core.numbers import Numbers
from core.scope import get_for_user
from core.xlsx import add_sheet, new_workbook, workbook_bytes, xlsx_response

from . import dashboard
from .periods import KINDS, read_period
from .snapshots import district_snapshot


def _columns():
    return [
        ("name", _("Committee")),
        ("members", _("Members")),
        ("checked_in", pgettext("residence check-in", "Checked in")),
        ("activities", _("Activities")),
        ("hours", _("Volunteer hours")),
        ("money", _("Money received (¥)")),
        ("compliance", _("Compliance rate (%)")),
        ("open_matters", _("Open matters")),
        ("overdue_matters", _("Overdue matters")),
        ("flagged_matters", _("At risk of escalation")),
    ]


def dashboard_context(request, district) -> dict:
    """What ``overview/includes/_dashboard.html`` reads, and the status the page answers
    (400 when the period typed was refused: the page then shows this year and says why)."""
    period, errors = read_period(request.GET)
    column, descending = dashboard.read_sort(request.GET.get("sort"))
    snapshot = district_snapshot(district, period)
    board = snapshot.board
    board.rows = dashboard.sort_rows(board.rows, column, descending)
    # The figures as the language writes them, formatted here once for the hundreds of cells
    # (core.numbers; the snapshot is a fresh copy per view, so these never reach the cache)
    # The comparison's rows written here, each cell a figure linked to the records behind it:
    # a hundred committees' rows through the template's loops were a third of the page's time
    # at a city's size (issue 16).
    numbers, links_of = Numbers(), dashboard.row_links()
    rows = []
    for row in board.rows:
        links = links_of(row.committee.pk)
        cells = [
            (links["members"], numbers(row.members)),
            (links["checked_in"], numbers(row.checked_in)),
            (links["activities"], numbers(row.activities)),
            (links["hours"], numbers(row.hours, -1)),
            (links["money"], numbers(row.money, 2)),
            (f"{links['compliance']}?year={board.compliance_year}",
             "—" if row.compliance is None else f"{row.compliance}%"),
            (links["matters"], row.open_matters),
            (f"{links['matters']}?overdue=on", row.overdue_matters),
            (f"{links['matters']}?flagged=on", row.flagged_matters),
        ]
        tds = "".join(f'<td class="text-end"><a href="{escape(url)}">{escape(str(text))}</a></td>'
                      for url, text in cells)
        rows.append(f'<tr data-committee="{int(row.committee.pk)}"><th scope="row"><a href="'
                    f'{escape(links["committee"])}">{escape(row.name)}</a></th>{tds}</tr>')
    # Every value above is escaped (the standard library's escape, which Django's wraps: its
    # format_html checked each of a thousand arguments for laziness, twice the rows' cost).
    table = mark_safe("\n".join(rows))  # noqa: S308
    for chart in board.charts:
        chart.table = [(category, [numbers(v, -2) for v in values])
                       for category, values in chart.rows]
    headers = []
    for name, label in _columns():
        # A second click on the sorted column turns it round; numbers sort largest first.
        if name == column:
            flip = not descending
        else:
            flip = name != "name"
        query = urlencode({**period.params(), "sort": f"-{name}" if flip else name})
        headers.append({
            "name": name, "label": label, "url": f"?{query}#comparison",
            "sort": ("descending" if descending else "ascending") if name == column else "",
        })
    export_query = urlencode({**period.params(), "sort": ("-" if descending else "") + column})
    return {
        "period": period,
        "period_errors": errors,
        "period_kinds": list(KINDS.items()),
        "months": range(1, 13),
        "quarters": range(1, 5),
        "board": board,
        "comparison_rows": table,
        "charts": {chart.id: chart for chart in board.charts},
        "chart_data": {chart.id: chart.as_json() for chart in board.charts},
        "headers": headers,
        "computed_at": timezone.localtime(snapshot.counted_at),
        "snapshot": snapshot,
        "export_url": reverse("overview:district-dashboard-export", args=[district.pk])
        + f"?{export_query}",
    }, (400 if errors else 200)


@login_required
def district_dashboard_export(request, pk):
    """The comparison of committees over the period as an Excel sheet (no ID numbers: none
    are in it), sorted as on the page, and the district's figures on a second sheet."""
    district = get_for_user(request.user, District, pk=pk)
    period, errors = read_period(request.GET)
    if errors:
        return HttpResponseBadRequest(" ".join(errors))
    column, descending = dashboard.read_sort(request.GET.get("sort"))
    board = dashboard.district_dashboard(district, period)
    rows = dashboard.sort_rows(board.rows, column, descending)
    workbook = new_workbook()
    add_sheet(workbook, _("Committees"), [label for _n, label in _columns()], [
        [r.name, r.members, r.checked_in, r.activities, float(r.hours), float(r.money),
         r.compliance if r.compliance is not None else "", r.open_matters, r.overdue_matters,
         r.flagged_matters]
        for r in rows
    ])
    activities, money = board.charts[0], board.charts[1]
    figures = [[_("Period"), period.label, ""]]
    figures += [[_("Members by category"), label, n] for label, n in board.members_by_category]
    figures += [[_("Branches by kind"), label, n] for label, n in board.branches_by_kind]
    figures += [[_("Activities by line"), s["name"], sum(s["data"])] for s in activities.series]
    figures += [[_("Activities by month"), month, sum(values)]
                for month, values in activities.rows]
    figures += [[_("Money by source (¥)"), source, float(values[0])]
                for source, values in money.rows]
    figures += [
        [_("Matters"), _("At risk of escalation, open"), board.matters_flagged],
        [_("Matters"), pgettext("matters", "Closed"), board.matters_closed],
        [_("Matters"), _("Settled at the grass roots"), board.matters_grass_roots],
        [_("Matters"), _("Mediated on the spot"), board.matters_on_the_spot],
    ]
    add_sheet(workbook, _("Figures"), [_("Figure"), _("Item"), _("Value")],
              [[str(a), str(b), c] for a, b, c in figures])
    filename = f"{district.name}-{period.first.isoformat()}-{period.last.isoformat()}.xlsx"
    return xlsx_response(workbook_bytes(workbook), filename)
