"""In-service member groups (not branches), a member's party group within their branch, and
the whole life of a check-in (withdrawn; ended with a reason)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('branches', '0005_committee_membership'),
        ('committees', '0004_committee_term'),
        ('members', '0004_party_status_label'),
    ]

    operations = [
        migrations.CreateModel(
            name='InServiceGroup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, verbose_name='name')),
                ('description', models.CharField(blank=True, help_text='For example the buildings, grid or team the group gathers.', max_length=200, verbose_name='covers')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'verbose_name': 'in-service member group',
                'verbose_name_plural': 'in-service member groups',
                'ordering': ['committee', 'name'],
            },
        ),
        migrations.AddField(
            model_name='checkin',
            name='end_note',
            field=models.CharField(blank=True, max_length=200, verbose_name='note'),
        ),
        migrations.AddField(
            model_name='checkin',
            name='end_reason',
            field=models.CharField(blank=True, choices=[('moved_away', 'Moved away'), ('membership_moved', 'Membership moved into a branch of the community'), ('left_the_party', 'Left the Party'), ('died', 'Passed away'), ('other', 'Other')], max_length=20, verbose_name='reason for ending'),
        ),
        migrations.AddField(
            model_name='member',
            name='party_group',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='group_members', to='branches.branch', verbose_name='party group'),
        ),
        migrations.AlterField(
            model_name='checkin',
            name='status',
            field=models.CharField(choices=[('pending', 'Waiting for confirmation'), ('confirmed', 'Checked in'), ('returned', 'Returned'), ('withdrawn', 'Withdrawn'), ('ended', 'Ended')], default='pending', max_length=16, verbose_name='status'),
        ),
        migrations.AddField(
            model_name='inservicegroup',
            name='committee',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='in_service_groups', to='committees.committee', verbose_name='committee'),
        ),
        migrations.AddField(
            model_name='inservicegroup',
            name='leader',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='groups_led', to='members.member', verbose_name='group leader'),
        ),
        migrations.AddField(
            model_name='checkin',
            name='group',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='checkins', to='members.inservicegroup', verbose_name='in-service member group'),
        ),
        migrations.AddConstraint(
            model_name='inservicegroup',
            constraint=models.UniqueConstraint(fields=('committee', 'name'), name='inservicegroup_unique_name', violation_error_message='This committee already has a group of that name.'),
        ),
    ]
