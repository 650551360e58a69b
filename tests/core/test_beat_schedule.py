"""Every scheduled job names a task a worker knows: after a module moves (the reminders went
from activities.tasks to meetings.tasks), beat must not send names no worker registers."""

import pytest
from django.conf import settings

from config.celery import app


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()  # what a worker does at start: autodiscover tasks
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled == {
        "core.tasks.clear_sign_in_records",
        "meetings.tasks.send_meeting_reminders",
        "meetings.tasks.send_overdue_matter_reminders",
        "meetings.tasks.send_term_reminders",
        "members.tasks.purge_roster_imports",
        "members.tasks.requeue_roster_imports",
        "notices.tasks.send_notice_reminders",
        "overview.tasks.count_all_figures",
        "overview.tasks.send_commitment_nudges",
        "overview.tasks.send_commitment_review_reminders",
        "overview.tasks.purge_period_reports",
        "overview.tasks.requeue_period_reports",
    }
    assert scheduled <= set(app.tasks), scheduled - set(app.tasks)


@pytest.mark.django_db
def test_reminders_queued_under_their_old_names_still_run():
    """Queued before meetings left activities (a retry, a beat not yet restarted)."""
    from meetings import tasks

    app.loader.import_default_modules()
    for old, task in tasks.LEGACY_NAMES.items():
        assert app.tasks[old].run.__code__ is task.run.__code__  # the same function
    result = app.tasks["activities.tasks.send_term_reminders"].apply(
        kwargs={"today": "2026-03-10"})
    assert result.successful() and result.result == 0  # nothing due in an empty database
