"""Links to one route for many rows without a ``reverse`` each: the route is reversed once
(per script prefix) with a marker where the pk goes, and each row's link is the two halves
around its pk. A district's comparison of 100 committees has 900 links; reversing each took
a third of the page's time at a city's size (bench/dashboard_vs_roster.py)."""

import functools

from django.urls import get_script_prefix, reverse

_MARK = "2147483646"  # an integer the routes' <int:pk> accepts and no real pk is


@functools.lru_cache(maxsize=256)
def _halves(name: str, prefix: str) -> tuple[str, str]:
    head, tail = reverse(name, args=[int(_MARK)]).split(_MARK)
    return head, tail


def url_for(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])`` for a route whose only argument is an integer pk."""
    head, tail = _halves(name, get_script_prefix())
    return f"{head}{int(pk)}{tail}"


def pk_url(name: str):
    """``url_for(name, pk)`` as a function of the pk, with the route and the script prefix
    looked up once: for the rows of one table."""
    head, tail = _halves(name, get_script_prefix())
    return lambda pk: f"{head}{int(pk)}{tail}"


@functools.lru_cache(maxsize=256)
def _plain(name: str, prefix: str) -> str:
    return reverse(name)


def plain_url(name: str) -> str:
    """``reverse(name)`` for a route without arguments, reversed once."""
    return _plain(name, get_script_prefix())
