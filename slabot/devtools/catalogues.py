"""The message catalogues kept up to date: `python -m slabot.devtools.catalogues update` extracts every msgid from
the code (the keywords of slabot.core.i18n), merges them into each language's .po (English is filled with its
msgids; Chinese keeps what was translated and is left blank where nothing is yet) and compiles the .mo files;
`check` says what is missing. The same as `pybabel extract/update/compile` with slabot's keywords:

    pybabel extract -F babel.cfg --no-default-keywords -k t -k tr:2 -k tn:2,3 -k tp:1,2 -o slabot/locales/slabot.pot .
    pybabel update -i slabot/locales/slabot.pot -d slabot/locales -D slabot
    pybabel compile -d slabot/locales -D slabot
"""

from __future__ import annotations

import argparse
import fcntl
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from slabot.core.i18n import DOMAIN, LOCALE_DIR, LOCALES, Locale, placeholders

ROOT = LOCALE_DIR.parent.parent
KEYWORDS = {"t": None, "tr": (2,), "tn": (2, 3), "tp": (1, 2)}
SOURCES = ("slabot", "commands")
MAPPING = [("**.py", "python")]
BABEL_LOCALE = {"en": "en", "zh": "zh_Hans_CN"}


def extracted() -> Catalog:
    """Every msgid in the code, with where it is used."""
    template = Catalog(project="slabot", domain=DOMAIN, fuzzy=False)
    for source in SOURCES:
        for filename, lineno, text, comments, context in extract_from_dir(
            str(ROOT / source), MAPPING, keywords=KEYWORDS, comment_tags=("Translators:",), strip_comment_tags=True
        ):
            msgid = text if isinstance(text, str) else tuple(text)
            template.add(msgid, locations=[(f"{source}/{filename}", lineno)], auto_comments=comments, context=context)
    return template


def po_path(locale: Locale) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def load(locale: Locale) -> Catalog:
    path = po_path(locale)
    if not path.exists():
        return Catalog(locale=BABEL_LOCALE[locale], domain=DOMAIN, fuzzy=False)
    with path.open("rb") as handle:
        return read_po(handle, locale=BABEL_LOCALE[locale], domain=DOMAIN)


def _is_blank(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not all(strings)


def save(locale: Locale, catalog: Catalog) -> None:
    path = po_path(locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=120, omit_header=False, sort_output=True, ignore_obsolete=True)
    with path.with_suffix(".mo").open("wb") as handle:
        write_mo(handle, catalog)


def update(translations: dict[str, str] | None = None) -> None:
    """Bring each catalogue in line with the code (and take `translations`, msgid -> Chinese, for the blanks);
    one update at a time (a lock file beside the catalogues)."""
    LOCALE_DIR.mkdir(parents=True, exist_ok=True)
    with (LOCALE_DIR / ".update.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _update(translations)


def _update(translations: dict[str, str] | None) -> None:
    for locale in LOCALES:
        catalog = load(locale)
        catalog.update(extracted(), no_fuzzy_matching=True)  # a template each: update shares its messages
        for message in catalog:
            if not message.id:
                continue
            message.flags.discard("fuzzy")
            if locale == "en" and _is_blank(message):
                message.string = message.id  # English is the source: its text is its msgid
            key = message.id if isinstance(message.id, str) else message.id[0]
            if locale == "zh" and translations and translations.get(key):
                given = translations[key]
                message.string = given if isinstance(message.id, str) else (given,)
        save(locale, catalog)


def problems() -> Iterator[str]:
    """What keeps the catalogues from being complete: a msgid of the code missing from one, an entry without a
    translation, or a translation whose placeholders differ from its msgid's."""
    template = extracted()
    wanted = {message.id for message in template if message.id}
    for locale in LOCALES:
        catalog = load(locale)
        held = {message.id for message in catalog if message.id}
        for msgid in sorted(wanted - held, key=str):
            yield f"{locale}: not in the catalogue: {msgid!r}"
        for message in catalog:
            if not message.id or message.id not in wanted:
                continue
            ids = [str(text) for text in (message.id if isinstance(message.id, tuple | list) else (message.id,))]
            strings = [
                str(text)
                for text in (message.string if isinstance(message.string, tuple | list) else (message.string,))
            ]
            if _is_blank(message) or message.fuzzy:
                yield f"{locale}: no translation for {ids[0]!r}"
                continue
            expected = set().union(*(placeholders(text) for text in ids))
            for text in strings:
                if placeholders(text) != expected:
                    yield f"{locale}: the placeholders of {text!r} differ from {ids[0]!r}'s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m slabot.devtools.catalogues", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    upd = sub.add_parser("update", help="extract, merge into each .po, compile the .mo files")
    upd.add_argument("--zh", type=Path, help="a JSON file of msgid -> Chinese translation to take")
    sub.add_parser("check", help="list what is missing or inconsistent; exit 1 when anything is")
    sub.add_parser("untranslated", help="the msgids with no Chinese yet, as JSON to fill in")
    args = parser.parse_args(argv)
    if args.command == "update":
        update(json.loads(args.zh.read_text(encoding="utf-8")) if args.zh else None)
        return 0
    if args.command == "untranslated":
        blank = {str(m.id if isinstance(m.id, str) else m.id[0]): "" for m in load("zh") if m.id and _is_blank(m)}
        print(json.dumps(blank, ensure_ascii=False, indent=1))
        return 0
    found = list(problems())
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
