"""Cards that apps higher up add to a lower app's page.

A page of one record (a branch, a member, a unit, a project) belongs to that record's app, but
some of its cards come from apps above it (a branch's meetings, a member's activities and
hours). The lower app must not import the higher one, so the higher app registers each card
here from its ``AppConfig.ready()``, and the page's view asks for the cards of its slot:

    # meetings/sections.py, imported by MeetingsConfig.ready()
    @sections.register("branch-detail", template="meetings/_meeting_branch_card.html")
    def branch_meetings_card(request, branch, page):
        return {"meetings": ..., "can_add_meeting": page["can_edit"]}   # or None: no card

    # branches/views.py
    "cards": sections.render("branch-detail", request, branch, {"can_edit": can_edit, ...})

A card's function reads what it needs (its own selectors, its own scope checks; what the page
already knows, such as ``can_edit``, comes in ``page`` rather than asked again) and returns its
template's context, or None to show nothing. Pages that gather every app at once (home,
the district, a committee) live in the ``overview`` app instead (docs/decisions.md).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Section:
    template: str
    context: Callable  # (request, obj, page) -> dict | None
    order: int


_SLOTS: dict[str, list[Section]] = {}


def register(slot: str, *, template: str, order: int = 50):
    """Add the decorated card to ``slot``; cards show in ``order``, then registration order."""

    def decorator(context: Callable) -> Callable:
        cards = _SLOTS.setdefault(slot, [])
        cards.append(Section(template, context, order))
        cards.sort(key=lambda card: card.order)
        return context

    return decorator


def render(slot: str, request, obj, page: dict | None = None) -> list[SafeString]:
    """The HTML of each card of ``slot`` for ``obj``, with the page's own context (``page``)
    under the card's."""
    html = []
    for card in _SLOTS.get(slot, ()):
        context = card.context(request, obj, page or {})
        if context is not None:
            html.append(mark_safe(  # noqa: S308 - rendered by the template engine, escaped
                render_to_string(card.template, {**(page or {}), **context}, request=request)
            ))
    return html
