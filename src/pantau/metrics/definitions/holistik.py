"""Group 3 of kpis.md, *Penjualan holistik* (holistic selling)."""

from __future__ import annotations

from pantau.metrics.definitions.common import ALL_BREAKDOWNS, REP_BREAKDOWNS, SALES_ANCHOR
from pantau.metrics.kpidef import KpiDef
from pantau.metrics.parts import Formula
from pantau.metrics.sources import collateral as col
from pantau.metrics.sources import costs as cst
from pantau.metrics.sources import opportunities as opp
from pantau.metrics.sources import orders as ord_

REPEAT = KpiDef(
    id="repeat_customer_rate",
    group="holistik",
    name_id="Tingkat Retensi (Pelanggan Membeli Ulang)",
    name_en="Repeat customer rate",
    description_id=(
        "Pelanggan yang membeli dalam periode (dalam grup) dan sudah pernah membeli apa pun, dari "
        "siapa pun, sebelum periode dimulai (seluruh riwayat) ÷ pelanggan yang membeli dalam "
        "periode (dalam grup). Basis pesanan: pembelian = baris yang dihitung dengan `quantity` "
        "> 0; basis kesepakatan: peluang menang. Record tanpa `customer_id` tidak ikut."
    ),
    description_en=(
        "Customers who bought in the period (within the group) and had bought anything, from "
        "anyone, before the period started (looking at all history) ÷ customers who bought in "
        "the period (within the group). Order basis: a purchase is an order line that counts "
        "with `quantity` > 0; deal basis: a won opportunity. Records without a `customer_id` are "
        "left out."
    ),
    unit="ratio",
    direction="higher",
    anchor=SALES_ANCHOR,
    breakdowns=ALL_BREAKDOWNS,
    deal_only_breakdowns=("source",),
    formula=Formula("ratio", ord_.REPEAT_BUYERS, denominator=ord_.BUYERS, n=(ord_.PURCHASES,)),
    deal_formula=Formula("ratio", opp.REPEAT_BUYERS, denominator=opp.BUYERS, n=(opp.PURCHASES,)),
    example_id="10 pelanggan membeli di Maret, 4 sudah membeli sebelum 1 Maret → 40,0 %.",
    example_en="10 customers bought in March, 4 had bought before 1 March → 40.0%.",
    edge_cases=(
        (
            "Riwayat mencakup pembelian dari sales mana pun dan di luar rentang laporan.",
            "History covers purchases from any rep and outside the report's range.",
        ),
        (
            "Retur dan baris batal bukan pembelian; peluang menang tanpa `amount` tetap pembelian.",
            "Returns and cancelled lines are not purchases; a won deal without `amount` is one.",
        ),
    ),
)


COST_OF_SALES = KpiDef(
    id="cost_of_sales_ratio",
    group="holistik",
    name_id="Rasio Biaya Penjualan",
    name_en="Cost-of-sales ratio",
    description_id=(
        "Σ `sales_costs.amount` bulan-bulan periode ÷ nilai penjualan (biaya penjualan, bukan "
        "HPP). Periode tanpa baris `sales_costs` sama sekali tidak punya rasio (null: biaya tidak "
        "diketahui); di periode yang punya baris biaya, grup tanpa baris biaya berbiaya 0."
    ),
    description_en=(
        "Σ `sales_costs.amount` of the period's months ÷ sales volume (selling expenses — biaya "
        "penjualan — not COGS). A period with no `sales_costs` rows at all has no ratio (null: "
        "costs unknown); in a period with cost rows, a group without any has 0 costs."
    ),
    unit="ratio",
    direction="lower",
    anchor="sales_costs.month",
    breakdowns=REP_BREAKDOWNS,
    formula=Formula("ratio", cst.COSTS, denominator=ord_.NET, n=(cst.COST_ROWS, ord_.LINES)),
    deal_formula=Formula(
        "ratio", cst.COSTS, denominator=opp.WON_AMOUNT, n=(cst.COST_ROWS, opp.WON_WITH_AMOUNT)
    ),
    known_when=cst.STORE_COST_ROWS,
    example_id="Biaya penjualan Rp15.000.000, penjualan Rp300.000.000 → 5,0 %.",
    example_en="Selling costs Rp15,000,000, sales Rp300,000,000 → 5.0%.",
    edge_cases=(
        (
            "Baris biaya tanpa sales yang dikenal milik kolom `team`-nya, tanpa region.",
            "A cost row without a (known) rep belongs to its own `team` column, with no region.",
        ),
        (
            "Grup dengan biaya tetapi tanpa penjualan: null (penyebut 0).",
            "A group with costs but no sales: null (denominator 0).",
        ),
    ),
)


COLLATERAL = KpiDef(
    id="collateral_usage_rate",
    group="holistik",
    name_id="Tingkat Penggunaan Materi",
    name_en="Collateral usage rate",
    description_id=(
        "Materi yang tersedia dalam periode dan dipakai setidaknya sekali di dalamnya ÷ materi "
        "yang tersedia dalam periode (tersedia = diterbitkan paling lambat akhir periode atau "
        "tanpa tanggal, dan tidak ditarik sebelum awal periode). Per sales: materi tersedia yang "
        "dipakai sales itu ÷ materi tersedia."
    ),
    description_en=(
        "Collateral items available in the period that were used at least once in it ÷ "
        "collateral items available in the period (available = published on or before the "
        "period's end or never dated, and not retired before the period's start). By rep: "
        "available items that rep used ÷ items available."
    ),
    unit="ratio",
    direction="higher",
    anchor="collateral_usage.used_at",
    breakdowns=REP_BREAKDOWNS,
    formula=Formula("ratio", col.USED_ITEMS, denominator=col.AVAILABLE_ITEMS, n=(col.USES,)),
    example_id="20 materi tersedia di Maret, 8 dipakai → 40,0 %.",
    example_en="20 items available in March, 8 of them used → 40.0%.",
    edge_cases=(
        (
            "Materi yang ditarik di tengah periode tetap tersedia pada periode itu.",
            "An item retired during the period is still available in that period.",
        ),
        (
            "Pemakaian materi yang tidak tersedia (sudah ditarik) tidak dihitung.",
            "Use of an item that is not available (already retired) does not count.",
        ),
    ),
)

KPIS = (REPEAT, COST_OF_SALES, COLLATERAL)
