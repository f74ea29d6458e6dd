"""The tooling sits above the product: no module of the product's apps imports it."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

PRODUCT = ["competencies", "assessments", "reports"]
TOOLING = "devtools"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):  # local imports too, not only the top of the file
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("app", PRODUCT)
def test_the_product_does_not_import_the_tooling(app):
    base = Path(settings.BASE_DIR)
    importers = [
        str(path.relative_to(base)) for path in sorted((base / app).rglob("*.py"))
        if any(name == TOOLING or name.startswith(f"{TOOLING}.") for name in imported_modules(path))
    ]

    assert importers == []


def test_the_check_sees_an_import_of_the_tooling(tmp_path):
    module = tmp_path / "views.py"
    module.write_text("def seed():\n    from devtools.demo.demo_set import seed\n    import json\n")

    assert imported_modules(module) == {"devtools.demo.demo_set", "json"}
