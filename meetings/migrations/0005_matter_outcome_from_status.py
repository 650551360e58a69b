"""Matters closed before outcomes existed say how they ended: a resolved matter went through
one matter, one deliberation (the only way the portal knew), so "resolved by deliberation";
an escalated one "escalated". Matters still being dealt with have none. (An escalated matter
that later came back and was resolved reads as deliberated: the status history in the audit
log has it, the row did not.) Nothing was mediated on the spot before: that needs a named
mediator, which the old rows do not have."""

from django.db import migrations


def forwards(apps, schema_editor):
    Matter = apps.get_model("meetings", "Matter")
    db = schema_editor.connection.alias
    Matter.objects.using(db).filter(status="resolved").update(outcome="deliberated")
    Matter.objects.using(db).filter(status="escalated").update(outcome="escalated")


def backwards(apps, schema_editor):
    Matter = apps.get_model("meetings", "Matter")
    Matter.objects.using(schema_editor.connection.alias).update(outcome="")


class Migration(migrations.Migration):
    dependencies = [("meetings", "0004_visits_and_matter_early_warning")]

    operations = [migrations.RunPython(forwards, backwards)]
