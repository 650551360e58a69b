"""QR codes for printed pages (check-in posters, public boards), drawn by segno."""

import segno


def qr_svg(url: str, *, scale: int = 6) -> str:
    """An inline SVG of ``url`` (medium error correction, a two-module quiet zone, no fixed
    size so CSS can scale it). Inline attributes only: nothing the CSP would block."""
    return segno.make(url, error="m").svg_inline(scale=scale, border=2, omitsize=True)
