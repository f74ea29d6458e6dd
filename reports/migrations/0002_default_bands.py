from decimal import Decimal

from django.db import migrations

# Local defaults, not Department of Health thresholds: admins may change them.
DEFAULT_BANDS = [
    (1, "Emerging", Decimal("0"), "Few of the competency's requirements are in place yet."),
    (2, "Developing", Decimal("40"), "Some requirements are in place; significant gaps remain."),
    (3, "Established", Decimal("65"), "Most requirements are in place and working."),
    (4, "World class", Decimal("85"), "Nearly all requirements are in place and embedded."),
]


def add_default_bands(apps, schema_editor):
    LevelBand = apps.get_model("reports", "LevelBand")
    for level, name, min_score, description in DEFAULT_BANDS:
        LevelBand.objects.get_or_create(
            level=level,
            defaults={"name": name, "min_score": min_score, "description": description},
        )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(add_default_bands, migrations.RunPython.noop)]
