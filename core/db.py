"""Database helpers shared by the apps' services and selectors."""

from django.db.models import F, Func, IntegerField, Subquery


def lock_row(obj):
    """``obj``'s row read again and locked until the transaction ends: only its own row
    (``of=("self",)``), so nothing joined is locked with it. Call inside ``transaction.atomic``."""
    return type(obj)._default_manager.select_for_update(of=("self",)).get(pk=obj.pk)


def count_of(queryset):
    """How many rows ``queryset`` has, as a correlated subquery (``queryset`` filters on an
    ``OuterRef``): several counts on one row do not multiply each other, as joined ``Count``s
    would. ``COUNT`` without ``GROUP BY``, so no match counts 0."""
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
        output_field=IntegerField(),
    )
