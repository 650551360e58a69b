"""Kept for the landed migration ``activities/0002_meetings_and_matters``, which names
``attachment_path`` here. Meetings and matters moved to the ``meetings`` app (see
``meetings/models.py``); remove this module when activities' migrations are squashed."""


def attachment_path(instance, filename):  # historical: only migration 0002 refers to it
    return f"meetings/{instance.meeting_id}/{instance.token}"
