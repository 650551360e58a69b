"""Choosing in a search picker (core/pickers.py) as a user does: type, then pick the match."""


def pick(page, field: str, text: str, option: str | None = None) -> None:
    """Type ``text`` in the picker of form field ``field`` and choose the match named
    ``option`` (default: the text)."""
    page.locator(f"#id_{field}-ts-control").fill(text)
    dropdown = page.locator(f"#id_{field}-ts-dropdown")
    dropdown.get_by_role("option", name=option or text).first.click()
