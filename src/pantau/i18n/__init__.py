"""Languages and number formats: Bahasa Indonesia (default) and English.

Messages are written in English in the code and translated through gettext catalogues
(``locale/id/*.po``, one file per area of the product), read with Babel at first use — no build
step. Numbers, money and percentages are formatted by Babel for ``id_ID`` or ``en``.
"""

from __future__ import annotations

import math
from functools import cache
from importlib import resources

from babel.messages.pofile import read_po
from babel.numbers import format_compact_currency, format_currency, format_decimal, format_percent

LANGUAGES = ("id", "en")
LOCALES = {"id": "id_ID", "en": "en"}


@cache
def _catalogue(lang: str) -> dict[str, str]:
    out: dict[str, str] = {}
    if lang == "en":
        return out
    folder = resources.files("pantau.i18n").joinpath("locale", lang)
    if not folder.is_dir():
        return out
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".po"):
            with entry.open("rb") as fh:
                for message in read_po(fh):
                    if message.id and message.string and isinstance(message.id, str):
                        out[message.id] = str(message.string)
    return out


def check_lang(lang: str | None, default: str = "id") -> str:
    """Normalise a language code; unknown codes fall back to ``default``."""
    if not lang:
        return default
    lang = lang.lower().split("-")[0].split("_")[0]
    return lang if lang in LANGUAGES else default


def gettext(message: str, lang: str, **params: object) -> str:
    """Translate ``message`` (English) into ``lang`` and fill ``{name}`` placeholders."""
    text = _catalogue(lang).get(message, message) if lang != "en" else message
    return text.format(**params) if params else text


_ = gettext


def _is_missing(value: float | int | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def money(
    value: float | int | None, lang: str, *, currency: str = "IDR", compact: bool = False
) -> str:
    """``Rp1.234.567`` (id) / ``Rp1,234,567`` (en); compact ``Rp1,2 M`` / ``Rp1.2B``; ``–``."""
    if _is_missing(value):
        return "–"
    assert value is not None
    locale = LOCALES[check_lang(lang)]
    if compact and abs(value) >= 1000:
        text = format_compact_currency(value, currency, locale=locale, fraction_digits=1)
    else:
        text = format_currency(
            value, currency, format="¤#,##0", locale=locale, currency_digits=False
        )
    if currency == "IDR":
        text = text.replace("IDR", "Rp")
    return text.replace("\xa0", " ")


def percent(value: float | None, lang: str, *, digits: int = 1) -> str:
    """``63,4 %`` (id) / ``63.4%`` (en) for the fraction 0.634; ``–`` for null."""
    if _is_missing(value):
        return "–"
    assert value is not None
    lang = check_lang(lang)
    frac = "0" * digits
    pattern = f"#,##0.{frac} %" if lang == "id" else f"#,##0.{frac}%"
    return format_percent(value, pattern, locale=LOCALES[lang]).replace("\xa0", " ")


def number(value: float | int | None, lang: str, *, digits: int = 1) -> str:
    """A plain number in the language's notation (``1.234,5`` / ``1,234.5``); ``–`` for null."""
    if _is_missing(value):
        return "–"
    assert value is not None
    lang = check_lang(lang)
    if isinstance(value, int) or float(value).is_integer() and digits == 0:
        return format_decimal(value, "#,##0", locale=LOCALES[lang])
    frac = "0" * digits
    return format_decimal(value, f"#,##0.{frac}", locale=LOCALES[lang])
