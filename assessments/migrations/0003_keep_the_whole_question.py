"""Room for the whole question an answer was given under, and for the
scorecard a submitted assessment keeps: empty until ``0004`` fills them in,
and ``0005`` requires them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0002_levelband_from_reports'),
        ('competencies', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='answer',
            name='competency',
            field=models.ForeignKey(blank=True, help_text='The competency the question belonged to when answered, kept from submission on.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='competencies.competency'),
        ),
        migrations.AddField(
            model_name='answer',
            name='theme',
            field=models.ForeignKey(blank=True, help_text='The theme the question belonged to when answered, kept from submission on.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='competencies.theme'),
        ),
        migrations.AddField(
            model_name='assessment',
            name='scores',
            field=models.JSONField(blank=True, editable=False, help_text='The scores as submitted; none while a draft or returned.', null=True),
        ),
        migrations.AddField(
            model_name='historicalanswer',
            name='competency',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The competency the question belonged to when answered, kept from submission on.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='competencies.competency'),
        ),
        migrations.AddField(
            model_name='historicalanswer',
            name='theme',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The theme the question belonged to when answered, kept from submission on.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='competencies.theme'),
        ),
    ]
