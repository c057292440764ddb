"""Mapping files: renamed headers, value maps, constants; every mistake names its line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.errors import InputFileError, UsageError
from pantau.ingest import import_file
from pantau.ingest.mapping import MappingError, load_mapping, parse_mapping
from pantau.ingest.tomlkeys import key_lines, split_key
from pantau.store import Store

from .helpers import rows

ORDERS = (
    "No Faktur;Tgl;Pelanggan;Barang;Jml;Harga Satuan;Status\n"
    "F-01;05/08/2025;C1;P1;2;1.250.000;Lunas\n"
    "F-01;05/08/2025;C1;P2;1;Rp 99.500,50;Lunas\n"
    "F-02;25/08/2025;C2;P1;3;1.250.000;Batal\n"
)
MAPPING = """\
# Indonesian invoices
type = "order_lines"

[columns]
order_id = "No Faktur"
order_date = "Tgl"
customer_id = "pelanggan"          # header case and spaces do not matter
product_id = ["Kode Barang", "Barang"]   # the first one in the file
quantity = "Jml"
unit_net_price = "Harga Satuan"
status = "Status"

[values.status]
Lunas = "confirmed"
"Batal" = "cancelled"

[constants]
rep_id = "R-7"
"""


@pytest.fixture
def invoices(write) -> tuple[Path, Path]:
    return write("faktur.csv", ORDERS), write("faktur.toml", MAPPING)


def test_import_through_a_mapping(store: Store, invoices: tuple[Path, Path]) -> None:
    data, mapping = invoices
    report = import_file(store, None, data, mapping=mapping, lang="en")
    assert report.via == "mapping faktur.toml"
    assert report.columns["Harga Satuan"] == "unit_net_price"
    assert report.formats == {
        "Tgl": "day first (31/12/2026)",
        "Harga Satuan": "decimal comma (1.234.567,5)",
    }
    got = rows(
        store,
        "SELECT order_id, line_no, CAST(order_date_local AS DATE), product_id, quantity, "
        "unit_net_price, status, rep_id FROM order_lines ORDER BY 1, 2",
    )
    assert [tuple(map(str, r)) for r in got] == [
        ("F-01", "1", "2025-08-05", "P1", "2.0", "1250000.0", "confirmed", "R-7"),
        ("F-01", "2", "2025-08-05", "P2", "1.0", "99500.5", "confirmed", "R-7"),
        ("F-02", "1", "2025-08-25", "P1", "3.0", "1250000.0", "cancelled", "R-7"),
    ]


def test_errors_name_the_file_header_and_line(store: Store, write) -> None:
    data = write("f.csv", ORDERS.replace("Lunas\nF-02", "Hutang\nF-02"))
    mapping = write("m.toml", MAPPING)
    from pantau.errors import ImportRejected

    with pytest.raises(ImportRejected) as err:
        import_file(store, None, data, mapping=mapping, lang="en")
    [issue] = err.value.report.errors  # type: ignore[attr-defined]
    assert (issue.row, issue.line, issue.column, issue.value, issue.kind) == (
        2,
        3,
        "Status",
        "Hutang",
        "bad_enum",
    )


def test_cli_type_from_the_mapping(store: Store, invoices: tuple[Path, Path]) -> None:
    data, mapping = invoices
    result = CliRunner().invoke(
        app,
        [
            "--db",
            str(store.path),
            "import",
            str(data),
            "--mapping",
            str(mapping),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["record_type"], report["inserted"], report["via"]) == (
        "order_lines",
        3,
        "mapping faktur.toml",
    )


def _error(write, text: str, data: str = ORDERS, record_type: str | None = None) -> MappingError:
    path = write("bad.toml", text)
    store = Store(path.parent / "x.duckdb")
    with pytest.raises(MappingError) as err:
        import_file(store, record_type, write("d.csv", data), mapping=path, lang="en")
    assert str(err.value).startswith(f"{path}:{err.value.line}: ")
    return err.value


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("[columns]", "colums = 1\n[columns]"), 4, "unknown key 'colums'"),
        (
            ('order_id = "No Faktur"', 'order_nr = "No Faktur"'),
            5,
            "unknown column 'order_nr' for order_lines",
        ),
        (
            ('quantity = "Jml"', 'quantity = "Jumlah"'),
            9,
            "header 'Jumlah' (for quantity) is not in the file",
        ),
        (('quantity = "Jml"', "quantity = 3"), 9, "'columns.quantity' must be a header in quotes"),
        (('"Batal" = "cancelled"', '"Batal" = "cancelled'), 15, "this is not valid TOML"),
        (('type = "order_lines"', 'type = "invoices"'), 2, "unknown record type 'invoices'"),
        (('type = "order_lines"', 'type = "order_lines"\ndecimal = ";"'), 3, "'decimal' must be"),
        (("[values.status]", "[values.stage]"), 13, "unknown column 'stage' for order_lines"),
        (("[values.status]", '[values."product_id"]'), 13, "[values] names product_id, which"),
    ],
)
def test_mapping_mistakes_name_the_line(
    write, change: tuple[str, str], line: int, message: str
) -> None:
    text = MAPPING.replace(*change)
    if "product_id" in change[1]:
        text = text.replace('product_id = ["Kode Barang", "Barang"]', "")
    err = _error(write, text)
    assert err.line == line
    assert message in str(err)


def test_a_missing_header_suggests_the_closest(write) -> None:
    err = _error(write, MAPPING.replace('order_date = "Tgl"', 'order_date = "Tgll"'))
    assert err.line == 6 and "did you mean 'Tgl'?" in str(err)


def test_the_command_line_type_must_agree(write) -> None:
    err = _error(write, MAPPING, record_type="opportunities")
    assert (
        err.line == 2
        and "the mapping is for order_lines, but the command imports opportunities" in str(err)
    )


def test_keys_in_the_middle_of_a_line_of_keys(write) -> None:
    text = 'type = "reps"\n[columns]\nrep_id = "A"\n\n[values]\nname = { "x" = "y", bogus = 1 }\n'
    err = _error(write, text, "A,name\n1,x\n")
    assert err.line == 6  # inline tables: the line of the key that holds them


def test_mapping_without_type_and_without_command_type(store: Store, write) -> None:
    text = MAPPING.replace('type = "order_lines"\n', "")
    with pytest.raises(UsageError, match="give the record type"):
        import_file(store, None, write("d.csv", ORDERS), mapping=write("m.toml", text), lang="en")


def test_missing_required_column_names_the_mapping(store: Store, write) -> None:
    text = MAPPING.replace('quantity = "Jml"\n', "")
    path = write("m.toml", text)
    with pytest.raises(InputFileError) as err:
        import_file(store, None, write("d.csv", ORDERS), mapping=path, lang="en")
    assert str(err.value).startswith(
        f"{path}: required column(s) missing for order_lines: quantity"
    )


def test_missing_mapping_file(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="file not found"):
        load_mapping(tmp_path / "nope.toml")


def test_options_override_the_mapping_and_both_checked(store: Store, write) -> None:
    data = write(
        "d.csv", "order_id,order_date,customer_id,quantity,net_amount\nS1,03/04/2026,C,1,1.500\n"
    )
    mapping = write(
        "m.toml",
        'type = "order_lines"\ndate_format = "%d/%m/%Y"\ndecimal = ","\n[columns]\n'
        + "".join(f'{c} = "{c}"\n' for c in ("order_id", "order_date", "customer_id", "quantity"))
        + 'net_amount = "net_amount"\n',
    )
    import_file(store, None, data, mapping=mapping, date_format="%m/%d/%Y", decimal=".")
    assert rows(store, "SELECT CAST(order_date_local AS DATE), net_amount FROM order_lines") == [
        (__import__("datetime").date(2026, 3, 4), 1.5)
    ]
    with pytest.raises(UsageError, match="either --mapping or --preset"):
        import_file(store, None, data, mapping=mapping, preset="hubspot", lang="en")


def test_key_lines_of_quoted_dotted_and_multiline_keys() -> None:
    text = 'a = """\nb = 1\n"""\n[values."stage"]\n"Closed Won" = "won"\nx.\'y.z\' = 1\n'
    lines = key_lines(text)
    assert lines[("values", "stage")] == 4
    assert lines[("values", "stage", "Closed Won")] == 5
    assert lines[("values", "stage", "x", "y.z")] == 6
    assert ("b",) not in lines
    assert split_key('a."b c".d') == ("a", "b c", "d")


def test_parse_keeps_values_lower_case_and_empty_as_null() -> None:
    mapping = parse_mapping('[values.status]\n"Batal " = "cancelled"\n"-" = ""\n', "m.toml")
    assert mapping.values == {"status": {"batal": "cancelled", "-": None}}


def test_mapping_check_command(store: Store, invoices: tuple[Path, Path], write) -> None:
    data, mapping = invoices
    runner = CliRunner()
    result = runner.invoke(app, ["mapping", "check", str(mapping), str(data)])
    assert result.exit_code == 0, result.output
    assert "a mapping for order_lines" in result.stdout and "Jml → quantity" in result.stdout
    bad = write("bad.toml", MAPPING.replace('"Jml"', '"Qty"'))
    result = runner.invoke(app, ["mapping", "check", str(bad), str(data), "--lang", "en"])
    assert result.exit_code == 1
    assert f"{bad}:9: header 'Qty' (for quantity) is not in the file" in result.stderr
