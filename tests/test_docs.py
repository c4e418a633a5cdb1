"""The commands the README and docs show exist, with the options they are shown with (STYLE habit 9).

The commands that do work on data are run for real elsewhere (tests/test_cli.py, tests/api); here each
documented command line is checked against the CLI itself: its subcommand answers ``--help`` and every
option it uses is one the command has.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quayside.cli import app

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
GROUPS = {"emissions", "org", "key", "load", "registry", "report", "programs", "user"}


def documented_commands() -> list[tuple[str, str]]:
    found = []
    for path in DOCS:
        for line in path.read_text(encoding="utf-8").splitlines():
            text = line.strip()
            if text.startswith("quayside "):
                found.append((f"{path.name}: {text}", text.split("  #", 1)[0].strip()))
    return found


COMMANDS = documented_commands()


def test_the_docs_show_commands() -> None:
    assert len(COMMANDS) >= 8


@pytest.mark.parametrize("line", [c for _, c in COMMANDS], ids=[i for i, _ in COMMANDS])
def test_documented_command_exists_with_its_options(line: str) -> None:
    words = shlex.split(line)[1:]
    path = words[:2] if words[0] in GROUPS else words[:1]
    result = CliRunner().invoke(app, [*path, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    plain = re.sub(r"\x1b\[[0-9;]*m", "", result.output)
    for option in (w.split("=", 1)[0] for w in words if w.startswith("--")):
        assert option in plain, f"{' '.join(path)} has no option {option}"
