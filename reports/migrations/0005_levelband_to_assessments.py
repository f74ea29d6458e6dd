"""The level bands now belong to the assessments app, which keeps using
these tables (``assessments.0002_levelband_from_reports``): this app forgets
the models and leaves the tables alone."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0004_rendered_report_per_audience"),
        ("assessments", "0002_levelband_from_reports"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="historicallevelband", name="history_user"),
                migrations.DeleteModel(name="LevelBand"),
                migrations.DeleteModel(name="HistoricalLevelBand"),
            ],
            database_operations=[],
        ),
    ]
