"""Determinism, scaling, options, demo logins and the translations of ``pantau demo``."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import pantau
from pantau.demo import DemoFiles, demo_logins, generate, generate_demo
from pantau.demo.generate import default_end_month
from pantau.errors import UsageError

from .conftest import END, SCALE, read_rows


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", scale=0.05, seed=7, end_month=END)
    b = generate(tmp_path / "b", scale=0.05, seed=7, end_month=END)
    c = generate(tmp_path / "c", scale=0.05, seed=8, end_month=END)
    assert all(a[t].read_bytes() == b[t].read_bytes() for t in a)
    assert a["opportunities"].read_bytes() != c["opportunities"].read_bytes()


def test_volume_scales(demo: DemoFiles, tmp_path: Path) -> None:
    double = generate_demo(tmp_path, scale=2 * SCALE, end_month=END).rows
    for record_type in ("leads", "opportunities", "activities", "order_lines"):
        assert 1.7 < double[record_type] / demo.rows[record_type] < 2.3, record_type
    assert 1.2 < double["reps"] / demo.rows["reps"] < 1.7  # reps grow more slowly
    assert 1.3 < double["customers"] / demo.rows["customers"] < 1.8
    assert double["products"] == demo.rows["products"]


def test_scale_one_is_a_few_thousand_opportunities(demo: DemoFiles) -> None:
    at_one = demo.rows["opportunities"] / SCALE
    assert 5_000 < at_one < 15_000


def test_period_is_24_months_ending_with_end_month(demo: DemoFiles) -> None:
    assert (demo.first_month, demo.last_month) == ("2024-11", END)
    months = {r["month"] for r in read_rows(demo.paths["sales_costs"])}
    assert min(months) == "2024-11" and max(months) == END and len(months) == 24


def test_default_end_month_is_last_complete_month() -> None:
    assert default_end_month(date(2026, 11, 30)) == "2026-10"
    assert default_end_month(date(2026, 1, 1)) == "2025-12"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"scale": 0}, "--scale"),
        ({"scale": -1}, "--scale"),
        ({"end_month": "2026-13"}, "--end"),
        ({"end_month": "Oktober"}, "--end"),
        ({"months": 2}, "3 months"),
    ],
)
def test_bad_options(tmp_path: Path, options: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        generate(tmp_path, **options)  # type: ignore[arg-type]
    assert not any(tmp_path.iterdir())


def test_demo_logins_match_the_company(demo: DemoFiles) -> None:
    logins = demo_logins(scale=SCALE, end_month=END)
    reps = {r["rep_id"]: r for r in read_rows(demo.paths["reps"])}
    teams = {r["team"] for r in reps.values()}
    managers = {r["manager"] for r in reps.values()}
    roles = [login.role for login in logins]
    assert roles.count("admin") == 1 and roles.count("rep") == 2
    assert {x.team for x in logins if x.role == "manager"} == teams
    assert {x.name for x in logins if x.role == "manager"} == managers
    for login in logins:
        if login.role == "rep":
            assert login.rep_id in reps and reps[login.rep_id]["name"] == login.name
    assert len({x.username for x in logins}) == len(logins)


def _cli_msgids() -> set[str]:
    root = Path(pantau.__file__).parent
    found: set[str] = set()
    for path in (root / "cli" / "demo_cmd.py", root / "demo" / "generate.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            arg = node.args[0]
            if name in ("_", "UsageError") and isinstance(arg, ast.Constant):
                found.add(str(arg.value))
    return found


def test_every_message_is_translated() -> None:
    po = Path(pantau.__file__).parent / "i18n" / "locale" / "id" / "demo.po"
    with po.open("rb") as fh:
        translated = {m.id for m in read_po(fh) if m.id and m.string}
    missing = _cli_msgids() - translated
    assert not missing
