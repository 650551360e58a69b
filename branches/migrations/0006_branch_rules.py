"""The rules of the corrected model, once the data has been carried forward (members 0006):
no in-service kind, one party organisation per unit, party groups without a term.

On SQLite, adding a constraint rebuilds the table, which drops its triggers: the party-group
trigger of 0003 is created again after.
"""

from importlib import import_module

from django.db import migrations, models

_group_trigger = import_module("branches.migrations.0003_party_group_committee_trigger")


def recreate_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in _group_trigger.SQLITE_REVERSE + _group_trigger.SQLITE:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ('branches', '0005_committee_membership'),
        ('members', '0006_carry_the_model_forward'),
    ]

    operations = [
        migrations.AlterField(
            model_name='branch',
            name='kind',
            field=models.CharField(choices=[('residents', "Residents' branch"), ('retirees', "Retired cadres' branch"), ('unit', "Resident unit's party organisation")], max_length=16, verbose_name='kind'),
        ),
        migrations.AddConstraint(
            model_name='branch',
            constraint=models.UniqueConstraint(condition=models.Q(('parent__isnull', True), ('unit__isnull', False)), fields=('unit',), name='branch_one_organisation_per_unit', violation_error_message="This unit's party organisation is already registered: add it to the committee as a member organisation instead."),
        ),
        migrations.AddConstraint(
            model_name='branch',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['residents', 'retirees', 'unit'])), name='branch_kind_is_a_branch', violation_error_message='Choose the kind of branch.'),
        ),
        migrations.AddConstraint(
            model_name='branch',
            constraint=models.CheckConstraint(condition=models.Q(('parent__isnull', True), models.Q(('term_end__isnull', True), ('term_start__isnull', True)), _connector='OR'), name='branch_group_has_no_term', violation_error_message='A party group has a leader, not a term.'),
        ),
        migrations.RunPython(recreate_sqlite_triggers, migrations.RunPython.noop),
    ]
