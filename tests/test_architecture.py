"""The code's shape stays as the README's layout describes it: no import cycle between the parts
of the app, the sandbox outside the production app, and one visible table of who handles what."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app import handlers

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint_imports(root):
    """Run import-linter with the project's contracts (pyproject.toml) on the tree at root."""
    command = [str(LINT_IMPORTS), "--no-cache", "pyproject.toml"]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=120)


def test_the_app_is_layered_without_cycles_and_never_imports_the_sandbox():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        # rounds is below followup (followup asks rounds who was drawn with whom): turn it round.
        ("rounds/membership.py", "from app.followup import progress", ".rounds -> .followup"),
        ("web/pages.py", "from trello_sandbox import constants", "not allowed to import"),
        # The outbox is below every feature: it must not know the report.
        ("outbox/queue.py", "from app.report import figures", "app.outbox.queue -> app.report"),
    ],
)
def test_an_upward_import_a_cycle_or_a_sandbox_import_breaks_a_contract(
    tmp_path, module, line, broken
):
    shutil.copytree(ROOT / "app", tmp_path / "app", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with open(tmp_path / "app" / module, "a") as source:
        source.write(f"\n{line}  # noqa: E402,F401\n")
    result = _lint_imports(tmp_path)
    assert result.returncode == 1
    assert broken in result.stdout


def test_building_the_app_loads_no_sandbox_module(tmp_path):
    code = (
        "import sys; from app import create_app; create_app({'TESTING': True}); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'trello_sandbox'))"
    )
    env = {**os.environ, "INSTANCE_PATH": str(tmp_path)}
    command = [sys.executable, "-c", code]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_no_import_in_the_app_is_kept_only_for_its_side_effect():
    kept = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "app").rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"noqa: *F401", line)
    ]
    assert kept == []


def test_the_table_of_who_handles_what_is_the_one_the_routers_make():
    documented = handlers.__doc__.split("Trello actions, each with", 1)[1]
    assert "Trello actions, each with" + documented.rstrip() == handlers.describe(), (
        "app/handlers.py's docstring is out of date; its tables should read:\n\n"
        + handlers.describe()
    )


def test_every_trello_action_and_outbox_operation_has_a_handler_in_the_table():
    table = handlers.describe()
    for action_type in ("createCard", "updateCard", "deleteCard", "commentCard"):
        assert f"\n{action_type}\n" in f"\n{table}\n"
    for operation in ("round.apply", "mail.send", "trello.create_card", "followup.refresh_card"):
        assert f"\n{operation}: " in table
