"""Celery tasks of the overview app."""

from celery import shared_task

# --- Kept figures of the district dashboard (overview/figures.py) -----------------------------


@shared_task(acks_late=True)
def count_committee_figures(committee_id: int) -> None:
    """Queued after writes to a committee's records (``figures.queue_count``)."""
    from . import figures

    figures.count_committee(committee_id)


@shared_task(acks_late=True)
def count_all_figures() -> int:
    """Celery beat, every few minutes: every committee, for writes that sent no signal."""
    from . import figures

    return figures.count_all()


# --- end of kept figures ----------------------------------------------------------------------
