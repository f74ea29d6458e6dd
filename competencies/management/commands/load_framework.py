"""Load the competency framework from its fixtures, all or nothing.

Unlike ``loaddata``, records that already hold the fixture's content are left
alone (no history is written for them), and a broken record aborts the whole
load with a message naming the file and the record.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction

DEFAULT_FIXTURES = ["framework.json"]


class Command(BaseCommand):
    help = "Load (or refresh) the competency framework and checklist from fixtures/."

    def add_arguments(self, parser):
        parser.add_argument(
            "fixtures",
            nargs="*",
            default=DEFAULT_FIXTURES,
            help="Fixture files, by path or by name in FIXTURE_DIRS (default: framework.json).",
        )

    def handle(self, *args, fixtures, **options):
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        models = set()
        with transaction.atomic():
            for name in fixtures:
                path = self._resolve(name)
                for model, outcome in self._load(path):
                    counts[outcome] += 1
                    models.add(model)
            self._reset_sequences(models)
        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(
                    "Framework loaded: {created} created, {updated} updated, "
                    "{unchanged} unchanged.".format(**counts)
                )
            )

    def _resolve(self, name: str) -> Path:
        candidates = [Path(name)] + [Path(d) / name for d in settings.FIXTURE_DIRS]
        for candidate in candidates:
            if candidate.is_file():
                return candidate
        raise CommandError(f"Fixture file {name!r} not found (looked in {candidates}).")

    def _load(self, path: Path):
        try:
            records = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{path}: cannot be read as JSON: {error}") from error
        if not isinstance(records, list):
            raise CommandError(f"{path}: expected a list of records.")
        for index, record in enumerate(records, start=1):
            label = self._label(index, record)
            try:
                with transaction.atomic():
                    yield self._save(record)
            except (serializers.base.DeserializationError, ValidationError, DatabaseError,
                    LookupError, TypeError, ValueError, AttributeError) as error:
                raise CommandError(
                    f"{path}: record {label} is broken, nothing was loaded: {_message(error)}"
                ) from error

    @staticmethod
    def _label(index: int, record) -> str:
        if isinstance(record, dict):
            return f"#{index} ({record.get('model')} pk={record.get('pk')})"
        return f"#{index}"

    @staticmethod
    def _save(record: dict) -> str:
        (deserialized,) = serializers.deserialize("python", [record])
        obj = deserialized.object
        model = type(obj)
        existing = model._default_manager.filter(pk=obj.pk).first()
        obj._state.adding = existing is None  # so uniqueness checks skip the record itself
        obj.full_clean()
        if existing is None:
            obj.save(force_insert=True)
            return model, "created"
        fields = [f.attname for f in model._meta.concrete_fields]
        if all(getattr(existing, f) == getattr(obj, f) for f in fields):
            return model, "unchanged"
        obj.save(force_update=True)
        return model, "updated"

    @staticmethod
    def _reset_sequences(models) -> None:
        """Records come with their primary keys: move PostgreSQL's sequences past them."""
        statements = connection.ops.sequence_reset_sql(no_style(), list(models))
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError) and hasattr(error, "message_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
    return str(error)
