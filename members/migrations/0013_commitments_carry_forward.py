"""Existing commitments carried into the kept-commitments model: each is made to its member's
residence committee, and its free-text ``progress`` becomes its first dated note (dated the
last day of its year, or today if the year is not over; author unknown). Reversed, the notes
go back into ``progress`` (joined, oldest first) and the committee is forgotten."""

import datetime

from django.db import migrations
from django.utils import timezone


def forward(apps, schema_editor):
    Commitment = apps.get_model("members", "Commitment")
    Note = apps.get_model("members", "CommitmentNote")
    Member = apps.get_model("members", "Member")
    today = timezone.localdate()
    for member_id, committee_id in Member.objects.filter(
        pk__in=Commitment.objects.filter(committee__isnull=True).values("member_id")
    ).values_list("pk", "committee_id").iterator():
        Commitment.objects.filter(member_id=member_id, committee__isnull=True).update(
            committee_id=committee_id
        )
    notes = []
    for pk, year, progress in (
        Commitment.objects.exclude(progress="").values_list("pk", "year", "progress").iterator()
    ):
        notes.append(Note(commitment_id=pk, text=progress.strip(),
                          written_on=min(datetime.date(year, 12, 31), today)))
        if len(notes) >= 1000:
            Note.objects.bulk_create(notes)
            notes = []
    Note.objects.bulk_create(notes)


def backward(apps, schema_editor):
    Commitment = apps.get_model("members", "Commitment")
    Note = apps.get_model("members", "CommitmentNote")
    texts = {}
    for commitment_id, text in Note.objects.order_by("written_on", "pk").values_list(
        "commitment_id", "text"
    ):
        texts.setdefault(commitment_id, []).append(text)
    for commitment_id, parts in texts.items():
        Commitment.objects.filter(pk=commitment_id).update(progress="\n".join(parts)[:500])
    Note.objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("members", "0012_commitments_kept"),
    ]

    operations = [migrations.RunPython(forward, backward)]
