"""``{% notices_waiting committee %}``: the card of notices a committee's side still has to
sign or answer, for the committee's page (in ``overview``, which lives above this app)."""

from django import template

from ..selectors import waiting_card

register = template.Library()


@register.inclusion_tag("notices/_waiting_card.html", takes_context=True)
def notices_waiting(context, committee):
    return waiting_card(context["request"].user, committee=committee)
