"""The texts of row errors and warnings, in English; ``locale/id/ingest.po`` translates them.

Each issue kind has a message and a suggestion (what to do), both with ``{placeholders}``.
"""

from __future__ import annotations

from pantau.i18n import gettext as _


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it yet (gettext's ``N_``)."""
    return message


ERRORS: dict[str, tuple[str, str]] = {
    "missing_value": (N_("{column} is required but empty"), N_("fill in {column}")),
    "missing_one_of": (
        N_("{column}: at least one of them is required"),
        N_("fill in one of {column}"),
    ),
    "bad_timestamp": (
        N_("'{value}' is not a date/time"),
        N_("write YYYY-MM-DD or YYYY-MM-DD HH:MM, e.g. 2026-03-05 14:30"),
    ),
    "bad_date": (N_("'{value}' is not a date"), N_("write YYYY-MM-DD, e.g. 2026-03-05")),
    "bad_month": (N_("'{value}' is not a month"), N_("write YYYY-MM, e.g. 2026-03")),
    "bad_period": (
        N_("'{value}' is not a period"),
        N_("write YYYY-MM, YYYY-Qn or YYYY, e.g. 2026-03, 2026-Q1 or 2026"),
    ),
    "bad_number": (
        N_("'{value}' is not a number"),
        N_("write digits with a decimal point and no thousands separators, e.g. 1250000.50"),
    ),
    "bad_integer": (N_("'{value}' is not a whole number"), N_("write a whole number, e.g. 3")),
    "bad_fraction": (
        N_("'{value}' is not a discount"),
        N_("write a fraction such as 0.2 or a percentage such as 20%"),
    ),
    "fraction_over_one": (
        N_("'{value}' is more than 1"),
        N_("write a discount of 20 percent as 0.2 or 20%"),
    ),
    "bad_bool": (
        N_("'{value}' is not a yes/no value"),
        N_("write true/false, 1/0, yes/no or ya/tidak"),
    ),
    "bad_enum": (N_("'{value}' is not an allowed value"), N_("use one of: {choices}")),
    "excel_damage": (
        N_("'{value}' is not a number: it looks like {guess} that Excel turned into a date"),
        N_("fix the cell at the source (format the column as Text before typing) and export again"),
    ),
}

#: a bad cell in a column the importer has a question about (see ``formats.Question``)
AMBIGUOUS: dict[str, str] = {
    "date_order": N_("'{value}' can be day first or month first"),
    "decimal": N_("'{value}' can have a thousands separator or a decimal separator"),
}

WARNINGS: dict[str, str] = {
    "duplicate_key": N_("same key ({value}) as row {winner}, later in the file, which wins"),
    "unknown_stage": N_(
        "stage '{value}' is not among the loaded stages, so it counts as open ({count} rows)"
    ),
    "close_before_create": N_("closed_at is before created_at"),
    "short_cycle": N_("won less than one day after it was created"),
    "contact_before_creation": N_("first_contact_at is before created_at"),
    "won_without_amount": N_("won, but amount is empty"),
    "closed_without_date": N_("won or lost, but closed_at is empty"),
    "excel_damage": N_("'{value}' looks like {guess} that Excel turned into a date ({count} rows)"),
}
EXCEL_DAMAGE_HINT = N_(
    "check the source; if it was {guess}, format the column as Text in Excel and export again"
)

UNKNOWN_REFERENCE = N_("{what} '{value}' not found")
DID_YOU_MEAN = N_("{what} '{value}' not found — did you mean '{best}'?")
IN_ROWS = N_("({count} rows)")

#: singular nouns for the record types that ids refer to
NOUNS: dict[str, str] = {
    "reps": N_("rep"),
    "customers": N_("customer"),
    "products": N_("product"),
    "leads": N_("lead"),
    "opportunities": N_("opportunity"),
    "collateral": N_("collateral"),
}


def error_texts(kind: str, lang: str, **params: object) -> tuple[str, str]:
    """(message, suggestion) of a row error, translated."""
    message, suggestion = ERRORS[kind]
    return _(message, lang, **params), _(suggestion, lang, **params)


def unknown_reference(
    ref: str, value: str, best: str | None, count: int, lang: str
) -> tuple[str, str | None]:
    """(message, suggestion) of an ``unknown_reference`` warning."""
    what = _(NOUNS[ref], lang)
    if best is None:
        text = _(UNKNOWN_REFERENCE, lang, what=what, value=value)
    else:
        text = _(DID_YOU_MEAN, lang, what=what, value=value, best=best)
    if count > 1:
        text += " " + _(IN_ROWS, lang, count=count)
    return text, best
