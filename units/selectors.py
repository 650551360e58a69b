"""Reads of units that span their agreements."""

from django.db.models import Count

from .models import Agreement, Unit


def unit_rows(user):
    """The units ``user`` may read, each with the number of its agreements in force today."""
    return Unit.objects.for_user(user).annotate(
        agreements_in_force=Count("agreements", filter=Agreement.in_force_q("agreements__"))
    ).order_by("name", "pk")
