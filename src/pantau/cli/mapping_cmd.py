"""``pantau mapping``: guess a mapping file from a file, check one, list the presets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from pantau.cli.import_cmd import Format, Lang, _fail
from pantau.errors import PantauError
from pantau.i18n import gettext as _

mapping_app = typer.Typer(
    help="Mapping files: guess one from a file's headers, check one, list the presets.",
    no_args_is_help=True,
)

LangOpt = Annotated[Lang | None, typer.Option("--lang", help="Language of the messages.")]
TypeOpt = Annotated[str | None, typer.Option("--type", help="Record type (default: guessed).")]
SheetOpt = Annotated[str | None, typer.Option("--sheet", help="Sheet of an Excel workbook.")]


def _lang(lang: Lang | None) -> str:
    return lang.value if lang else "en"


@mapping_app.command("suggest")
def suggest(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="CSV, XLSX, XLS or Parquet file.")],
    record_type: TypeOpt = None,
    sheet: SheetOpt = None,
    skip_rows: Annotated[
        int | None, typer.Option("--skip-rows", min=0, help="Lines above the header.")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the mapping here (default: stdout)."),
    ] = None,
    lang: LangOpt = None,
) -> None:
    """Print a mapping guessed from FILE's headers (and values), ready to edit."""
    from pantau.ingest.profile import profile_file

    language = _lang(lang)
    try:
        profile = profile_file(
            file, record_type_name=record_type, sheet=sheet, skip_rows=skip_rows, lang=language
        )
    except PantauError as exc:
        _fail(exc, Format.text, language)
    text = profile.suggestion.to_toml(file_name=file.name, comments=profile.comments(language))
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    typer.echo(str(output))


@mapping_app.command("check")
def check(
    mapping: Annotated[Path, typer.Argument(metavar="MAPPING", help="The mapping file (TOML).")],
    file: Annotated[
        Path | None, typer.Argument(metavar="[FILE]", help="A file it should read.")
    ] = None,
    record_type: TypeOpt = None,
    sheet: SheetOpt = None,
    lang: LangOpt = None,
) -> None:
    """Check MAPPING (and that FILE has every header it names); nothing is imported."""
    from pantau.ingest.mapping import load_mapping, mapped_type
    from pantau.ingest.profile import opened

    language = _lang(lang)
    try:
        loaded = load_mapping(mapping, language)
        rt = mapped_type(loaded, record_type, language)
        if rt is None:
            raise PantauError(
                _("give the record type (--type) or set type in the mapping", language)
            )
        loaded.check(rt, language)
        if file is not None:
            with opened(file, loaded.header_hint(), sheet or loaded.sheet, language) as (_c, src):
                hmap = loaded.resolve(rt, src.headers, language)
    except PantauError as exc:
        _fail(exc, Format.text, language)
    typer.echo(_("{mapping}: a mapping for {type}", language, mapping=mapping, type=rt.name))
    if file is not None:
        for header, column in hmap.columns().items():
            typer.echo(f"  {header} → {column}")


@mapping_app.command("presets")
def presets(lang: LangOpt = None) -> None:
    """List the shipped presets: each CRM export and the record type it becomes."""
    from pantau.ingest.presets import describe

    language = _lang(lang)
    table = Table(title=_("Presets", language), title_justify="left")
    for head in ("--preset", _("export", language), _("type", language), _("what", language)):
        table.add_column(head)
    for preset, variant, type_name, title in describe():
        table.add_row(preset, variant, type_name, title)
    Console(highlight=False).print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(mapping_app, name="mapping")
