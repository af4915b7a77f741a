"""python bot.py openslo import/export as a subprocess: import the examples, a dry run, a refused file, and an
export that imports back to the same bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_startup import run_bot

pytestmark = pytest.mark.slow
EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "openslo"


def test_import_dry_run_import_and_export_round_trip(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'slabot.db'}", "SLABOT_PROMETHEUS_URL": "http://prometheus:9090"}
    dry = run_bot(["openslo", "import", str(EXAMPLES), "--dry-run"], env, tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert "add objective web-shop/availability" in dry.stdout and "would change 6 of 6 (dry run)" in dry.stdout
    first = run_bot(["openslo", "export"], env, tmp_path)
    assert (first.returncode, first.stdout) == (0, "")  # the dry run wrote nothing
    assert run_bot(["openslo", "import", str(EXAMPLES)], env, tmp_path).returncode == 0
    exported = run_bot(["openslo", "export", "-o", "catalogue.yaml"], env, tmp_path)
    assert exported.returncode == 0 and "wrote catalogue.yaml" in exported.stdout
    again = run_bot(["openslo", "import", "catalogue.yaml"], env, tmp_path)
    assert again.returncode == 0 and "changed 0 of 6" in again.stdout
    second = run_bot(["openslo", "export"], env, tmp_path)
    assert second.stdout == (tmp_path / "catalogue.yaml").read_text()
    one = run_bot(["openslo", "export", "--service", "nope"], env, tmp_path)
    assert one.returncode == 1 and "There is no service 'nope'" in one.stderr


def test_a_refused_file_names_its_document_and_field(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'slabot.db'}"}
    bad = tmp_path / "slos.yaml"
    bad.write_text((EXAMPLES / "slos.yaml").read_text().replace("target: 0.999\n", "target: 1\n"))
    result = run_bot(["openslo", "import", str(bad), str(EXAMPLES / "services.yaml")], env, tmp_path)
    assert result.returncode == 1
    assert "slos.yaml#3 spec.objectives[0].target: must be above 0 and below 1 (100%)" in result.stderr
    assert "nothing imported (1 problems)" in result.stderr
    unset = run_bot(["openslo", "import", str(EXAMPLES)], env, tmp_path)
    assert unset.returncode == 1
    # the SLI naming the DataSource needs no SLABOT_PROMETHEUS_URL; the inline one without a reference does
    assert "slos.yaml#3" not in unset.stderr and "nothing imported (1 problems)" in unset.stderr
    assert "slos.yaml#4 spec.indicator: SLABOT_PROMETHEUS_URL is not set: name a DataSource" in unset.stderr
