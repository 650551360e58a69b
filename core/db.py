"""Database helpers shared by the apps' services."""


def lock_row(obj):
    """``obj``'s row read again and locked until the transaction ends: only its own row
    (``of=("self",)``), so nothing joined is locked with it. Call inside ``transaction.atomic``."""
    return type(obj)._default_manager.select_for_update(of=("self",)).get(pk=obj.pk)
