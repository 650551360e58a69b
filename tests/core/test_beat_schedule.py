"""Every scheduled job names a task a worker knows: after a module moves (the reminders went
from activities.tasks to meetings.tasks), beat must not send names no worker registers."""

from django.conf import settings

from config.celery import app


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()  # what a worker does at start: autodiscover tasks
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled == {
        "meetings.tasks.send_meeting_reminders",
        "meetings.tasks.send_overdue_matter_reminders",
        "meetings.tasks.send_term_reminders",
    }
    assert scheduled <= set(app.tasks), scheduled - set(app.tasks)
