"""A resident unit's party organisation as a member organisation of one or more committees."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('branches', '0004_branch_term'),
        ('committees', '0004_committee_term'),
    ]

    operations = [
        migrations.CreateModel(
            name='CommitteeMembership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('joined_on', models.DateField(verbose_name='member organisation since')),
                ('left_on', models.DateField(blank=True, null=True, verbose_name='left on')),
            ],
            options={
                'verbose_name': 'member organisation',
                'verbose_name_plural': 'member organisations',
                'ordering': ['committee', 'joined_on'],
            },
        ),
        migrations.AddField(
            model_name='committeemembership',
            name='branch',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='branches.branch', verbose_name='party organisation'),
        ),
        migrations.AddField(
            model_name='committeemembership',
            name='committee',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='organisation_memberships', to='committees.committee', verbose_name='committee'),
        ),
        migrations.AddConstraint(
            model_name='committeemembership',
            constraint=models.UniqueConstraint(condition=models.Q(('left_on__isnull', True)), fields=('committee', 'branch'), name='membership_one_current_per_committee', violation_error_message='This organisation is already a member organisation of the committee.'),
        ),
        migrations.AddConstraint(
            model_name='committeemembership',
            constraint=models.CheckConstraint(condition=models.Q(('left_on__isnull', True), ('left_on__gte', models.F('joined_on')), _connector='OR'), name='membership_leaves_after_joining', violation_error_message='It cannot leave before it joined.'),
        ),
    ]
