"""The cards notices add to lower apps' pages (``core.sections``): on a branch's page the
notices its secretary still has to sign or answer, on a unit's page those waiting for its
liaisons (who land there)."""

from core import sections

from .selectors import waiting_card


@sections.register("branch-detail", template="notices/_waiting_card.html", order=10)
def branch_notices_card(request, branch, page):
    card = waiting_card(request.user, branch=branch)
    return card if card["receipts"] else None


@sections.register("unit-detail", template="notices/_waiting_card.html", order=10)
def unit_notices_card(request, unit, page):
    card = waiting_card(request.user, unit=unit)
    return card if card["receipts"] else None
