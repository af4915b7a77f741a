"""`python bot.py openslo import|export`: OpenSLO v1 YAML into the catalogue (all or nothing) and back out."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from slabot.config.runtime import Runtime
from slabot.core.errors import UserError
from slabot.render.openslo import openslo_yaml
from slabot.runtime.cli_output import write_output
from slabot.sources.openslo import InvalidOpenSLO, read_documents
from slabot.sources.openslo_export import gather_export
from slabot.sources.openslo_import import Plan, apply_plan, plan_import

ACTOR = "openslo"


def plan_lines(plan: Plan) -> list[str]:
    lines = [f"{item.action} datasource {item.name}" for item in plan.datasources]
    lines += [f"{item.action} service {item.name}" for item in plan.services]
    for item in plan.objectives:
        changed = f" ({', '.join(item.changed)})" if item.changed else ""
        lines.append(f"{item.action} objective {item.service}/{item.spec.name}{changed}")
    return lines


def run_import(runtime: Runtime, paths: list[Path], dry_run: bool, out: TextIO, err: TextIO) -> int:
    """Import every document, or nothing: exit 1 listing every problem; --dry-run prints the plan only."""
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        print(f"slabot: no such file or folder: {', '.join(missing)}", file=err)
        return 2
    try:
        documents = read_documents(paths)
        with runtime.db.session() as session:
            plan = plan_import(session, documents, runtime.settings.prometheus_url)
            if not dry_run:
                apply_plan(session, plan, ACTOR)
    except InvalidOpenSLO as invalid:
        for problem in invalid.problems:
            print(str(problem), file=err)
        print(f"slabot: nothing imported ({len(invalid.problems)} problems)", file=err)
        return 1
    except UserError as error:
        print(f"slabot: nothing imported: {error.message}", file=err)
        return 1
    for line in plan_lines(plan):
        print(line, file=out)
    verb = "would change" if dry_run else "changed"
    print(
        f"{verb} {plan.changes} of {plan.items} (dry run)" if dry_run else f"{verb} {plan.changes} of {plan.items}",
        file=out,
    )
    return 0


def export_text(runtime: Runtime, service: str | None) -> str:
    with runtime.db.session() as session:
        return openslo_yaml(gather_export(session, service), runtime.settings.timezone.key)


def run_export(runtime: Runtime, service: str | None, output: str | None, out: TextIO, err: TextIO) -> int:
    """Write the YAML to `output` (stdout when None or `-`); exit 1 for an unknown service or a name OpenSLO
    cannot hold, 2 when the file cannot be written."""
    try:
        text = export_text(runtime, service)
    except UserError as error:
        print(f"slabot: {error.message}", file=err)
        return 1
    except ValueError as error:
        print(f"slabot: cannot export: {error}", file=err)
        return 1
    return write_output(text, output or "-", out, err)
