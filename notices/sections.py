"""The card notices add to a branch's page (``core.sections``): the notices its secretary
still has to sign or answer."""

from core import sections

from .selectors import waiting_card


@sections.register("branch-detail", template="notices/_waiting_card.html", order=10)
def branch_notices_card(request, branch, page):
    card = waiting_card(request.user, branch=branch)
    return card if card["receipts"] else None
