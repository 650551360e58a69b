"""QR codes for printed pages (check-in posters, public boards), drawn by segno, and the
rotating attendance code that activities and meetings show on a screen (shared here: one
token scheme, one screen, one scan page)."""

from datetime import timedelta

import segno
from django.core import signing
from django.shortcuts import render
from django.urls import reverse

# A code works for five minutes, so a member who has to sign in first still makes it; the
# screen shows a new one every QR_REFRESH seconds, and a photo of it passed round soon stops
# working.
QR_MAX_AGE = 300
QR_REFRESH = 30
# Scanning is open from two hours before the start until six hours after the end (a meeting:
# after its start), for activities and meetings alike.
QR_OPENS_BEFORE = timedelta(hours=2)
QR_CLOSES_AFTER = timedelta(hours=6)


def qr_svg(url: str, *, scale: int = 6) -> str:
    """An inline SVG of ``url`` (medium error correction, a two-module quiet zone, no fixed
    size so CSS can scale it). Inline attributes only: nothing the CSP would block."""
    return segno.make(url, error="m").svg_inline(scale=scale, border=2, omitsize=True)


def rotating_token(salt: str, pk: int) -> str:
    """A short-lived signed token naming one object (an activity, a meeting), for the
    attendance QR code the staff show on a screen. It carries the time it was made, so the
    page showing it makes a new one on each refresh and an old one (a photo passed around)
    stops working after ``max_age`` seconds (see ``read_rotating_token``)."""
    return signing.TimestampSigner(salt=salt).sign(str(pk))


def read_rotating_token(salt: str, token: str, *, max_age: int) -> int | None:
    """The object's id, or None when the token is forged, for another purpose, or too old."""
    try:
        return int(signing.TimestampSigner(salt=salt).unsign(token, max_age=max_age))
    except (signing.BadSignature, ValueError):
        return None


def qr_screen_context(request, *, salt: str, obj, checkin_url_name: str,
                      refusal: str | None) -> dict:
    """What the staff's check-in screen (``activities/qr.html``) shows for ``obj``: a fresh
    code leading to ``checkin_url_name`` (with a new token), or why scanning is refused now.
    The caller adds the generic texts: ``title``, ``starts_at``, ``ends_at``, ``subtitle``,
    ``count``, ``back_url``, ``back_label``."""
    context = {"refusal": refusal, "refresh": QR_REFRESH}
    if refusal is None:
        url = request.build_absolute_uri(
            reverse(checkin_url_name, args=[rotating_token(salt, obj.pk)])
        )
        context["qr_svg"] = qr_svg(url, scale=8)
        context["checkin_url"] = url
    return context


def qr_page(request, template: str, context: dict, status: int = 200):
    """Render a QR screen or scan page that must never be cached (a stale code, a stale
    "already checked in")."""
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    return response
