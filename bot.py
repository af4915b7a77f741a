"""slabot's entry point.

python bot.py               serve: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on PORT
python bot.py console       try slabot locally with no Slack
python bot.py db upgrade    create or upgrade the database schema
python bot.py db prune      drop per-minute counts no window needs, past SLABOT_RAW_RETENTION_DAYS
python bot.py ingest FILE   load event counts from a CSV file (service,slo,ts,good,total)
python bot.py export-rca ID write incident ID's postmortem as Markdown to postmortem-incident-ID.md (-o FILE; - stdout;
                            --language zh for Chinese)
python bot.py openslo import PATH... [--dry-run] | export [--service X] [-o FILE]   OpenSLO v1 YAML in and out
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from pathlib import Path

from slabot.config.runtime import Runtime
from slabot.config.settings import ConfigError, Mode, load_dotenv_file, load_settings
from slabot.core.i18n import DEFAULT_LOCALE, LOCALES
from storage.db import Database

log = logging.getLogger("slabot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python bot.py", description="slabot: service levels in Slack")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve", help="run the bot (the default)")
    sub.add_parser("console", help="try slabot locally: type slash commands, see what the bot would post")
    db = sub.add_parser("db", help="database schema")
    db.add_argument(
        "action",
        choices=["upgrade", "prune"],
        help="upgrade: create or upgrade the schema; prune: drop per-minute counts past SLABOT_RAW_RETENTION_DAYS",
    )
    ingest = sub.add_parser(
        "ingest",
        help="load event counts from a CSV file",
        description="Load event counts from a CSV file with the header service,slo,ts,good,total "
        "(ts in ISO-8601 with Z or an offset; one row sets the counts of the minute containing ts). "
        "Needs no Slack tokens.",
    )
    ingest.add_argument("file", type=Path, help="the CSV file")
    export = sub.add_parser(
        "export-rca",
        help="write an incident's postmortem as Markdown",
        description="Write an incident's postmortem (summary, timeline, error budget consumed, five whys, root "
        "cause, action items, satisfaction) as Markdown. Needs no Slack tokens.",
    )
    export.add_argument("incident", type=int, metavar="ID", help="the incident number, as in #12")
    export.add_argument(
        "-o", "--output", metavar="FILE", help="where to write it (default postmortem-incident-ID.md; - for stdout)"
    )
    export.add_argument(
        "--language", choices=LOCALES, default=DEFAULT_LOCALE, help=f"the language to write it in ({DEFAULT_LOCALE})"
    )
    openslo = sub.add_parser("openslo", help="import or export the catalogue as OpenSLO v1 YAML").add_subparsers(
        dest="openslo", required=True
    )
    imports = openslo.add_parser("import", help="import OpenSLO files or folders (all or nothing; an upsert by name)")
    imports.add_argument("paths", type=Path, nargs="+", metavar="PATH", help="YAML files or folders of them")
    imports.add_argument("--dry-run", action="store_true", help="print what would change, write nothing")
    exports = openslo.add_parser("export", help="write the catalogue as OpenSLO YAML")
    exports.add_argument("--service", help="only this service")
    exports.add_argument("-o", "--output", metavar="FILE", help="where to write it (default stdout)")
    return parser


def _runtime(mode: Mode) -> Runtime:
    settings = load_settings(mode=mode)
    db = Database(settings.database_url)
    try:
        db.upgrade()
    except Exception as error:
        raise ConfigError(
            f"DATABASE_URL: cannot open or upgrade the database ({type(error).__name__}: {error})"
        ) from None
    return Runtime(settings=settings, db=db)


def serve(runtime: Runtime) -> None:
    import uvicorn

    from slabot.runtime.http import build_frontends
    from slabot.runtime.scheduler import build_scheduler
    from slabot.runtime.wiring import connect

    settings = runtime.settings
    slack = connect(runtime)
    http_app, socket_handler = build_frontends(runtime, slack.app, slack.notifier)
    scheduler = build_scheduler(runtime, slack.notifier)
    scheduler.start()
    log.info("evaluating objectives every %ss; alerts go out through the outbox", settings.eval_interval_seconds)
    api = "on" if settings.api_token else "off until SLABOT_API_TOKEN is set"
    if socket_handler is not None:
        socket_handler.connect()
        log.info("connected to Slack in Socket Mode; /healthz on port %s", settings.port)
    else:
        log.info("serving POST /slack/events and GET /healthz on port %s", settings.port)
    log.info("ingest API POST /api/v1/events (described at GET /openapi.json): %s", api)
    # What start-up built (modules, the app, its listeners, catalogues) lives as long as the process: kept out of
    # the collector's full passes, which otherwise dominate a request's tail (the App Home's p95).
    gc.collect()
    gc.freeze()
    try:
        uvicorn.run(http_app, host="0.0.0.0", port=settings.port, log_level="info", proxy_headers=True)
    finally:
        scheduler.shutdown(wait=False)
        if socket_handler is not None:
            socket_handler.close()


def prune(runtime: Runtime) -> int:
    from slabot.slo.retention import prune as prune_minutes

    settings = runtime.settings
    with runtime.db.session() as session:
        cutoff, deleted = prune_minutes(session, runtime.now(), settings.raw_retention_days, settings.timezone)
    print(f"deleted {deleted:,} per-minute rows older than {cutoff:%Y-%m-%d %H:%M} UTC (rollups kept)")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    load_dotenv_file()
    command = args.command or "serve"
    try:
        if command == "db":
            logging.getLogger().setLevel(logging.WARNING)
            runtime = _runtime("offline")
            if args.action == "prune":
                return prune(runtime)
            print("database schema is up to date")
            return 0
        if command == "ingest":
            from slabot.sources.csv_import import run_ingest

            logging.getLogger().setLevel(logging.WARNING)
            runtime = _runtime("offline")
            return run_ingest(runtime.db, runtime.clock, args.file, sys.stdout, sys.stderr)
        if command == "export-rca":
            from slabot.runtime.export_rca import run_export

            logging.getLogger().setLevel(logging.WARNING)
            return run_export(_runtime("offline"), args.incident, args.output, sys.stdout, sys.stderr, args.language)
        if command == "openslo":
            from slabot.runtime import openslo_cli

            logging.getLogger().setLevel(logging.WARNING)
            runtime = _runtime("offline")
            if args.openslo == "import":
                return openslo_cli.run_import(runtime, args.paths, args.dry_run, sys.stdout, sys.stderr)
            return openslo_cli.run_export(runtime, args.service, args.output, sys.stdout, sys.stderr)
        if command == "console":
            from slabot.devtools.console import run_console

            logging.getLogger().setLevel(logging.WARNING)
            runtime = _runtime("console")
            return run_console(runtime, sys.stdin, sys.stdout, interactive=sys.stdin.isatty())
        serve(_runtime("socket" if _wants_socket_mode() else "http"))
    except ConfigError as error:
        print(f"slabot: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


def _wants_socket_mode() -> bool:
    import os

    return bool(os.environ.get("SLACK_APP_TOKEN", "").strip())


if __name__ == "__main__":
    sys.exit(main())
