"""QR codes for printed pages (check-in posters, public boards), drawn by segno, and the
rotating attendance code that activities and meetings show on a screen (shared here: one
token scheme, one screen, one scan page)."""

from datetime import timedelta

import segno
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
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
    """What the staff's check-in screen (``core/qr.html``) shows for ``obj``: a fresh code
    leading to ``checkin_url_name`` (with a new token), or why scanning is refused now."""
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


def qr_scan_page(request, context: dict, status: int = 200):
    """The member's scan page (``core/qr_checkin.html``), never cached, rendered without the
    request's context processors: it has no navigation bar, so it needs no scope, bell count
    or messages (900 members may scan within a minute). The form of the "confirm" state gets
    its CSRF token here, as the ``csrf`` context processor would give it."""
    if context.get("state") == "confirm":
        context = {**context, "csrf_token": get_token(request)}
    response = HttpResponse(render_to_string("core/qr_checkin.html", context), status=status)
    response["Cache-Control"] = "no-store"
    return response


def qr_screen_page(request, *, salt: str, obj, checkin_url_name: str, refusal: str | None,
                   context: dict):
    """The staff's check-in screen for ``obj`` (an activity, a meeting), redrawn every
    QR_REFRESH seconds. ``context`` gives its texts: ``title``, ``starts_at``, ``ends_at``
    (optional), ``subtitle``, ``count``, ``back_url``, ``back_label``."""
    screen = qr_screen_context(
        request, salt=salt, obj=obj, checkin_url_name=checkin_url_name, refusal=refusal
    )
    return qr_page(request, "core/qr.html", {**screen, **context})


def qr_checkin_page(request, *, obj, member_of, recorded, refusal, check_in, texts):
    """Where a rotating code leads (the view asks to sign in first): a GET shows one button,
    a POST checks the member in. The same flow for whatever the code names:

    - ``obj``: what the scanned token names, None when the token is forged, for something
      else or too old: "expired", 400;
    - ``member_of(user)``: the user's member record; an account without one cannot check in
      ("no_member", 403);
    - ``recorded(member)``: their attendance when already recorded, else None; a GET then
      says so ("already");
    - ``refusal()``: why scanning is refused now, else None; a GET shows it ("refused");
    - ``check_in(member)``: the service, returning ``(record, created)`` (``created`` False
      for a second scan: "already"); its ValidationError refuses with its messages, 400;
    - ``texts(record)``: the page's texts: ``title``, ``starts_at``, ``ends_at``
      (optional), and with a record ``done_message`` and ``already_message`` (and
      ``next_url``, ``next_label`` to go on from there).
    """
    if obj is None:
        return qr_scan_page(request, {"state": "expired"}, status=400)
    member = member_of(request.user)

    def page(state, *, record=None, errors=(), status=200):
        context = {"state": state, "member": member, "errors": list(errors), **texts(record)}
        return qr_scan_page(request, context, status=status)

    if member is None:
        return page("no_member", status=403)
    if request.method == "POST":
        try:
            record, created = check_in(member)
        except ValidationError as exc:
            return page("refused", errors=exc.messages, status=400)
        return page("done" if created else "already", record=record)
    record = recorded(member)
    if record is not None:
        return page("already", record=record)
    reason = refusal()
    if reason:
        return page("refused", errors=[reason])
    return page("confirm")
