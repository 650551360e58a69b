"""How a matter ended follows its status (after 0004 filled it in for every row)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0005_matter_outcome_from_status'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='matter',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('outcome', ''), ('status__in', ['open', 'deliberated', 'in_progress'])), models.Q(('outcome__in', ['on_the_spot', 'deliberated', 'escalated']), ('status', 'resolved')), models.Q(('outcome', 'escalated'), ('status', 'escalated')), _connector='OR'), name='matter_outcome_follows_status'),
        ),
    ]
