"""After a write to what the kept figures count, count the committee again (on commit, at most
once per committee every few seconds: ``figures.queue_count``). Connected in ``apps.py``; the
handlers only name the committee, the counting is ``figures.count_committee``.

Bulk writes (``bulk_create``, ``QuerySet.update``: roster imports, the demo) send no signal:
the beat's counting of every committee catches them within minutes."""

from django.db.models.signals import post_delete, post_init, post_save

from activities.models import Activity, Attendance, Funding
from branches.models import Branch
from members.models import CheckIn, Member

from .figures import queue_count


def _remember(sender, instance, **kwargs):
    """The committee a member, check-in or activity had when loaded: a save that moves it (a
    confirmed 报到 moves the member to where they live) counts the committee it left too."""
    instance._figures_committee_id = instance.__dict__.get("committee_id")


def _of_committee(sender, instance, **kwargs):
    queue_count(instance.committee_id)
    before = getattr(instance, "_figures_committee_id", None)
    if before is not None and before != instance.committee_id:
        queue_count(before)
    instance._figures_committee_id = instance.committee_id


def _of_activity(sender, instance, **kwargs):
    # The activity is usually loaded already (check-in by QR, the roster of attendance).
    try:
        committee_id = instance.activity.committee_id
    except Activity.DoesNotExist:  # deleted with it: the activity's own signal counts
        return
    queue_count(committee_id)


def connect() -> None:
    for model in (Activity, CheckIn, Member):
        post_init.connect(_remember, sender=model, dispatch_uid=f"figures-init-{model.__name__}")
    for model in (Activity, Funding, CheckIn, Member, Branch):
        post_save.connect(_of_committee, sender=model, dispatch_uid=f"figures-{model.__name__}")
        post_delete.connect(_of_committee, sender=model,
                            dispatch_uid=f"figures-del-{model.__name__}")
    post_save.connect(_of_activity, sender=Attendance, dispatch_uid="figures-Attendance")
    post_delete.connect(_of_activity, sender=Attendance, dispatch_uid="figures-del-Attendance")
