"""The content types of the moved models follow them from ``activities`` to ``meetings``, so
that audit-log entries (django-auditlog points at a content type) and permissions stay
attached to the same rows. A database migrated from scratch has no old content types: then
there is nothing to do, and Django creates the new ones after migrating."""

from django.db import migrations

MODELS = [
    "agendaitem", "matter", "matterfollowup", "meeting", "meetingattachment",
    "meetingattendance", "minutesaddendum",
]


def relabel(apps, schema_editor, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        old = ContentType.objects.using(db).filter(app_label=source, model=model).first()
        if old is None:
            continue
        new = ContentType.objects.using(db).filter(app_label=target, model=model).first()
        if new is not None:
            # Created meanwhile (e.g. by a run of the new code before this migration): keep
            # the old one, which the audit entries and permissions already point at, and move
            # what points at the new one over to it.
            for label in ("auditlog.LogEntry", "admin.LogEntry"):
                entries = apps.get_model(label).objects.using(db)
                entries.filter(content_type=new).update(content_type=old)
            Permission = apps.get_model("auth", "Permission")
            for permission in Permission.objects.using(db).filter(content_type=new):
                twin, _ = Permission.objects.using(db).get_or_create(
                    content_type=old, codename=permission.codename,
                    defaults={"name": permission.name},
                )
                twin.group_set.add(*permission.group_set.all())
                twin.user_set.add(*permission.user_set.all())
                permission.delete()
            new.delete()
        old.app_label = target
        old.save(update_fields=["app_label"])


def forwards(apps, schema_editor):
    relabel(apps, schema_editor, "activities", "meetings")


def backwards(apps, schema_editor):
    relabel(apps, schema_editor, "meetings", "activities")


class Migration(migrations.Migration):

    dependencies = [
        ("meetings", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auditlog", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
