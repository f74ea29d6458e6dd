import json

import pytest
from django.core.management import CommandError, call_command

from competencies.models import Competency, EvidenceItem, Process, Question, Skill, Theme

pytestmark = pytest.mark.django_db

MODELS = [Theme, Competency, Skill, Process, EvidenceItem, Question]


def snapshot():
    return {model.__name__: list(model.objects.values()) for model in MODELS}


def history_count():
    return sum(model.history.count() for model in MODELS)


def test_loading_again_changes_nothing(capsys):
    before, history_before = snapshot(), history_count()

    call_command("load_framework")

    assert snapshot() == before
    assert history_count() == history_before
    assert "0 created, 0 updated, 350 unchanged" in capsys.readouterr().out


def test_loading_restores_the_documents_wording():
    Question.objects.filter(number=1).update(text="Edited by mistake")

    call_command("load_framework", verbosity=0)

    assert Question.objects.get(number=1).text.startswith("Do you have strategies")


@pytest.fixture
def broken_fixture(tmp_path, settings):
    records = json.loads((settings.BASE_DIR / "fixtures" / "framework.json").read_text())
    for record in records:
        if record["model"] == "competencies.skill":
            record["fields"]["text"] = "Changed by the load that must not happen"
    # A question that points at a competency that does not exist.
    records[-1]["fields"]["competency"] = 99
    path = tmp_path / "framework.json"
    path.write_text(json.dumps(records))
    return path, records[-1]["pk"]


def test_a_broken_record_aborts_the_whole_load(broken_fixture):
    path, pk = broken_fixture
    before = snapshot()

    with pytest.raises(CommandError) as error:
        call_command("load_framework", str(path), verbosity=0)

    message = str(error.value)
    assert str(path) in message
    assert f"competencies.question pk={pk}" in message
    assert "competency" in message
    assert snapshot() == before


def test_a_file_that_is_not_json_is_named(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[{"model": "competencies.theme",')

    with pytest.raises(CommandError, match="broken.json: cannot be read as JSON"):
        call_command("load_framework", str(path), verbosity=0)


def test_a_missing_file_is_named():
    with pytest.raises(CommandError, match="nowhere.json"):
        call_command("load_framework", "nowhere.json", verbosity=0)
