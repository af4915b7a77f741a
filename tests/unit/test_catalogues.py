"""The message catalogues are complete: every msgid in the code is in the English and the Chinese catalogue, each
translated, with the same placeholders, and the compiled .mo files say what the .po files say."""

from __future__ import annotations

import gettext

import pytest

from slabot.core.i18n import DOMAIN, LOCALE_DIR, LOCALES, Message, Verbatim, parse_locale, placeholders, t, tn, tr
from slabot.devtools import catalogues


def test_every_message_is_translated_in_both_catalogues_with_the_same_placeholders() -> None:
    found = list(catalogues.problems())
    assert found == [], "\n".join(found[:40]) + "\nrun: python -m slabot.devtools.catalogues update (then translate)"


@pytest.mark.parametrize("locale", LOCALES)
def test_the_compiled_catalogue_matches_its_po_file(locale: str) -> None:
    compiled = gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[locale])
    for message in catalogues.load(locale):  # type: ignore[arg-type]
        if not message.id or isinstance(message.id, tuple):
            continue
        assert compiled.gettext(message.id) == message.string, f"compile the catalogues: {message.id!r}"


def test_a_problem_is_found_when_a_translation_loses_a_placeholder(monkeypatch: pytest.MonkeyPatch) -> None:
    real = catalogues.load

    def broken(locale: str):  # type: ignore[no-untyped-def]
        catalog = real(locale)  # type: ignore[arg-type]
        if locale == "zh":
            catalog["{n}m"].string = "分"
        return catalog

    monkeypatch.setattr(catalogues, "load", broken)
    assert any("placeholders of '分'" in line for line in catalogues.problems())


def test_text_is_looked_up_in_the_readers_language_and_figures_stay_as_they_are() -> None:
    assert tr("en", "{n}m", n=43) == "43m"
    assert tr("zh", "{n}m", n=43) == "43分"
    lazy = t("{time} (just now)", time=Verbatim("<@U1>"))
    assert lazy.render("zh") == "<@U1>（刚刚）"
    assert str(lazy) == "<@U1> (just now)"
    nested = Message("{time} ({duration} ago)", {"time": "x", "duration": t("{n}h", n=2)})
    assert nested.render("zh") == "x（2小时前）"
    assert tn("en", "{n}d", "{n}d", 3) == "3d"


def test_placeholders_are_read_with_their_format_specs() -> None:
    assert placeholders("{year}-{month:02d} {{literal}}") == {"year", "month"}


@pytest.mark.parametrize(
    ("tag", "locale"),
    [("zh-CN", "zh"), ("zh_Hans", "zh"), ("ZH", "zh"), ("en-US", "en"), ("en", "en"), ("fr-FR", None), ("", None)],
)
def test_locale_tags_from_slack_and_people(tag: str, locale: str | None) -> None:
    assert parse_locale(tag) == locale
