"""slabot's entry point.

python bot.py               serve: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on PORT
python bot.py console       try slabot locally with no Slack
python bot.py db upgrade    create or upgrade the database schema
"""

from __future__ import annotations

import argparse
import logging
import sys

from slabot.config import ConfigError, Mode, load_dotenv_file, load_settings
from slabot.runtime import Runtime
from storage.db import Database

log = logging.getLogger("slabot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python bot.py", description="slabot: service levels in Slack")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve", help="run the bot (the default)")
    sub.add_parser("console", help="try slabot locally: type slash commands, see what the bot would post")
    db = sub.add_parser("db", help="database schema")
    db.add_argument("action", choices=["upgrade"], help="create or upgrade the schema to the newest version")
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

    from slabot.app import create_app, create_web_client
    from slabot.server import build_frontends

    settings = runtime.settings
    http_app, socket_handler = build_frontends(runtime, create_app(runtime, create_web_client(settings)))
    if socket_handler is not None:
        socket_handler.connect()
        log.info("connected to Slack in Socket Mode; /healthz on port %s", settings.port)
    else:
        log.info("serving POST /slack/events and GET /healthz on port %s", settings.port)
    try:
        uvicorn.run(http_app, host="0.0.0.0", port=settings.port, log_level="info", proxy_headers=True)
    finally:
        if socket_handler is not None:
            socket_handler.close()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    load_dotenv_file()
    command = args.command or "serve"
    try:
        if command == "db":
            _runtime("offline")
            print("database schema is up to date")
            return 0
        if command == "console":
            from slabot.console import run_console

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
