"""The rules of the house (ARCHITECTURE.md) that import-linter cannot see: small modules that each say what
they own, in words no other module uses; SQL only in storage/; no ids patched over with `or 0`."""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGED = (path for folder in ("slabot", "commands", "storage") for path in (ROOT / folder).rglob("*.py"))
SOURCES = [*sorted(path for path in PACKAGED if "migrations" not in path.parts), ROOT / "bot.py"]
DOMAIN = ("core", "catalog", "slo", "sources", "alerting", "incidents", "rca", "reports")
# Names that build statements: a module importing one of these from the database libraries is writing SQL.
STATEMENT_BUILDERS = frozenset(
    {"select", "insert", "update", "delete", "text", "func", "or_", "and_", "case", "union_all", "literal", "column"}
)
MAX_LINES = 400


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_no_module_is_over_400_lines() -> None:
    long = {relative(p): n for p in SOURCES if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}


def first_lines() -> dict[str, str]:
    found = {}
    for path in SOURCES:
        docstring = ast.get_docstring(ast.parse(path.read_text()))
        found[relative(path)] = (docstring or "").strip().splitlines()[0] if docstring else ""
    return found


def test_every_module_says_what_it_owns_in_words_of_its_own() -> None:
    lines = first_lines()
    assert [name for name, line in lines.items() if not line] == []
    repeated = {line for line, count in Counter(lines.values()).items() if count > 1}
    assert {name: line for name, line in lines.items() if line in repeated} == {}


def sql_in(path: Path) -> list[str]:
    """What in a module builds or runs SQL: a statement builder imported from sqlmodel or sqlalchemy, or
    Session.exec/execute called."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in ("sqlmodel", "sqlalchemy"):
            found += [f"imports {a.name}" for a in node.names if a.name in STATEMENT_BUILDERS]
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("exec", "execute")
        ):
            found.append(f"calls .{node.func.attr}() at line {node.lineno}")  # type: ignore[attr-defined]
    return found


@pytest.mark.parametrize("folder", ["slabot", "commands"])
def test_sql_lives_in_storage_only(folder: str) -> None:
    offenders = {relative(p): sql for p in SOURCES if p.is_relative_to(ROOT / folder) and (sql := sql_in(p))}
    assert offenders == {}


def test_the_house_rules_catch_what_they_look_for() -> None:
    """The checks above can fail: storage's own modules do what the rest may not."""
    assert sql_in(ROOT / "storage" / "queries" / "catalog.py")
    assert len((ROOT / "storage" / "queries" / "sli.py").read_text()) > 0


def test_ids_are_never_patched_over() -> None:
    patched = {relative(p) for p in SOURCES if re.search(r"\.id (or 0|is not None)", p.read_text())}
    assert patched == set()


def test_the_domain_packages_exist_as_the_house_plan_says() -> None:
    for package in DOMAIN:
        assert (ROOT / "slabot" / package / "__init__.py").exists(), package
