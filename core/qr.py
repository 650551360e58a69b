"""QR codes for printed pages (check-in posters, public boards), drawn by segno."""

import segno
from django.core import signing


def qr_svg(url: str, *, scale: int = 6) -> str:
    """An inline SVG of ``url`` (medium error correction, a two-module quiet zone, no fixed
    size so CSS can scale it). Inline attributes only: nothing the CSP would block."""
    return segno.make(url, error="m").svg_inline(scale=scale, border=2, omitsize=True)


def rotating_token(salt: str, pk: int) -> str:
    """A short-lived signed token naming one object (an activity, later a meeting), for the
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
