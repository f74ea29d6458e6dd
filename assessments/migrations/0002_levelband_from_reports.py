"""The level bands move from the reports app to the domain, keeping their
tables, their rows and their history: only Django's idea of which app owns
them changes, and the content types follow so that admin permissions and the
admin's log stay attached."""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

MODELS = ("levelband", "historicallevelband")


def move_content_types(apps, schema_editor, *, source="reports", target="assessments"):
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(
        schema_editor.connection.alias
    )
    for model in MODELS:
        if not content_types.filter(app_label=target, model=model).exists():
            content_types.filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="assessments", target="reports")


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        # The tables are made, and the default bands put in, by the reports app.
        ("reports", "0004_rendered_report_per_audience"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalLevelBand',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('level', models.PositiveSmallIntegerField(db_index=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(4)])),
                        ('name', models.CharField(max_length=50)),
                        ('min_score', models.DecimalField(decimal_places=2, help_text='A score at or above this percentage earns this level. Scores are compared as the reports show them, as whole percentages.', max_digits=5, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='lowest score (%)')),
                        ('description', models.TextField(blank=True)),
                        ('updated_at', models.DateTimeField(blank=True, editable=False)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical level band',
                        'verbose_name_plural': 'historical level bands',
                        'db_table': 'reports_historicallevelband',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='LevelBand',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('level', models.PositiveSmallIntegerField(unique=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(4)])),
                        ('name', models.CharField(max_length=50)),
                        ('min_score', models.DecimalField(decimal_places=2, help_text='A score at or above this percentage earns this level. Scores are compared as the reports show them, as whole percentages.', max_digits=5, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='lowest score (%)')),
                        ('description', models.TextField(blank=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        'db_table': 'reports_levelband',
                        'ordering': ['level'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('level__gte', 1), ('level__lte', 4)), name='band_level_1_to_4'), models.CheckConstraint(condition=models.Q(('min_score__gte', 0), ('min_score__lte', 100)), name='band_min_score_0_to_100')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
