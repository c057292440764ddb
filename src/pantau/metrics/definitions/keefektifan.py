"""Group 2 of kpis.md, *Keefektifan penjualan* (sales effectiveness)."""

from __future__ import annotations

from pantau.metrics.definitions.common import ALL_BREAKDOWNS, SALES_ANCHOR
from pantau.metrics.kpidef import KpiDef
from pantau.metrics.parts import Formula
from pantau.metrics.sources import opportunities as opp
from pantau.metrics.sources import orders as ord_

SALES_VOLUME = KpiDef(
    id="sales_volume",
    group="keefektifan",
    name_id="Nilai Penjualan",
    name_en="Sales volume",
    description_id=(
        "Basis pesanan: Σ nilai bersih baris pesanan yang dihitung (`status` ≠ cancelled; retur "
        "mengurangi di periode `order_date`-nya). Basis kesepakatan: Σ `amount` peluang menang."
    ),
    description_en=(
        "Order basis: Σ net amount of the order lines that count (`status` ≠ cancelled; returns "
        "net out in the period of their `order_date`). Deal basis: Σ `amount` of won "
        "opportunities."
    ),
    unit="amount",
    direction="higher",
    anchor=SALES_ANCHOR,
    breakdowns=ALL_BREAKDOWNS,
    deal_only_breakdowns=("source",),
    formula=Formula("sum", ord_.NET, n=(ord_.LINES,)),
    deal_formula=Formula("sum", opp.WON_AMOUNT, n=(opp.WON_WITH_AMOUNT,)),
    additive=True,
    example_id="Pesanan Rp10.000.000, retur −Rp1.000.000, baris batal Rp5.000.000 → Rp9.000.000.",
    example_en="Orders Rp10,000,000, a return −Rp1,000,000, a cancelled line Rp5,000,000 → "
    "Rp9,000,000.",
    edge_cases=(
        ("Baris cancelled tidak dihitung.", "Cancelled lines do not count."),
        (
            "Peluang menang tanpa `amount` tidak ikut (peringatan kualitas data).",
            "A won opportunity without `amount` is left out (a data-quality warning).",
        ),
    ),
)


GROSS_MARGIN = KpiDef(
    id="gross_margin",
    group="keefektifan",
    name_id="Profitabilitas (Margin Kotor)",
    name_en="Gross margin",
    description_id=(
        "Basis pesanan: (Σ bersih − Σ biaya) ÷ Σ bersih, atas baris yang biayanya diketahui "
        "(`unit_cost` baris, lalu `cost_amount` atau bersih − `profit`, lalu `unit_cost` "
        "produk). Basis kesepakatan: (Σ amount − Σ biaya) ÷ Σ amount atas peluang menang yang "
        "produknya punya `unit_cost`; biaya = `unit_cost` produk × `quantity` (bawaan 1)."
    ),
    description_en=(
        "Order basis: (Σ net − Σ cost) ÷ Σ net, over lines with a known cost (line `unit_cost`, "
        "else `cost_amount` or net − `profit`, else product `unit_cost`). Deal basis: (Σ amount "
        "− Σ cost) ÷ Σ amount over won opportunities with a product unit cost; cost = product "
        "`unit_cost` × `quantity` (default 1)."
    ),
    unit="ratio",
    direction="higher",
    anchor=SALES_ANCHOR,
    breakdowns=ALL_BREAKDOWNS,
    deal_only_breakdowns=("source",),
    formula=Formula("ratio", ord_.MARGIN, denominator=ord_.COSTED_NET, n=(ord_.COSTED_N,)),
    deal_formula=Formula("ratio", opp.MARGIN, denominator=opp.COSTED_AMOUNT, n=(opp.COSTED_N,)),
    example_id="Bersih Rp1.000.000, biaya Rp600.000 → 40,0 %.",
    example_en="Net Rp1,000,000, cost Rp600,000 → 40.0%.",
    edge_cases=(
        (
            "Baris tanpa biaya (baris maupun produk) tidak ikut pembilang dan penyebut.",
            "Lines without any cost (line or product) are left out of numerator and denominator.",
        ),
    ),
)


PRICE_REALIZATION = KpiDef(
    id="price_realization",
    group="keefektifan",
    name_id="Realisasi Harga",
    name_en="Price realization",
    description_id=(
        "Basis pesanan: Σ bersih ÷ Σ nilai daftar, atas baris dengan harga daftar > 0 "
        "(`unit_list_price` baris, lalu dari `discount`, lalu `list_price` produk). Basis "
        "kesepakatan: Σ amount ÷ Σ nilai daftar atas peluang menang yang nilai daftarnya > 0; "
        "nilai daftar = `list_amount`, lalu `list_price` produk × `quantity` (bawaan 1)."
    ),
    description_en=(
        "Order basis: Σ net ÷ Σ list amount, over lines with a list price > 0 (line "
        "`unit_list_price`, else derived from `discount`, else product `list_price`). Deal basis: "
        "Σ amount ÷ Σ list amount over won opportunities whose list amount is > 0; list amount = "
        "`list_amount`, else product `list_price` × `quantity` (default 1)."
    ),
    unit="ratio",
    direction="higher",
    anchor=SALES_ANCHOR,
    breakdowns=ALL_BREAKDOWNS,
    deal_only_breakdowns=("source",),
    formula=Formula("ratio", ord_.LISTED_NET, denominator=ord_.LIST_AMOUNT, n=(ord_.LISTED_N,)),
    deal_formula=Formula(
        "ratio", opp.LISTED_AMOUNT, denominator=opp.LIST_AMOUNT, n=(opp.LISTED_N,)
    ),
    example_id="Bersih Rp900.000 untuk barang seharga daftar Rp1.000.000 → 90,0 %.",
    example_en="Net Rp900,000 for goods listed at Rp1,000,000 → 90.0%.",
    edge_cases=(
        (
            "Retur ikut dengan tanda negatif (harga daftar per unit tetap > 0).",
            "Returns count with a negative sign (their unit list price is still > 0).",
        ),
    ),
)


DISCOUNT = KpiDef(
    id="discount_rate",
    group="keefektifan",
    name_id="Tingkat Diskon",
    name_en="Discount rate",
    description_id="1 − realisasi harga (record yang sama, kedua basis).",
    description_en="1 − price realization (the same records, both bases).",
    unit="ratio",
    direction="lower",
    anchor=SALES_ANCHOR,
    breakdowns=ALL_BREAKDOWNS,
    deal_only_breakdowns=("source",),
    formula=Formula(
        "complement", ord_.LISTED_NET, denominator=ord_.LIST_AMOUNT, n=(ord_.LISTED_N,)
    ),
    deal_formula=Formula(
        "complement", opp.LISTED_AMOUNT, denominator=opp.LIST_AMOUNT, n=(opp.LISTED_N,)
    ),
    example_id="Realisasi harga 90,0 % → diskon 10,0 %.",
    example_en="Price realization 90.0% → discount rate 10.0%.",
    edge_cases=(("Null bila realisasi harga null.", "Null whenever price realization is null."),),
)


DEAL_VALUE_HELD = KpiDef(
    id="deal_value_held",
    group="keefektifan",
    name_id="Nilai Kesepakatan Terjaga",
    name_en="Deal value held",
    description_id=(
        "Σ `amount` ÷ Σ `quoted_amount` atas peluang menang dengan `quoted_amount` > 0 "
        "(kedua basis)."
    ),
    description_en=(
        "Σ `amount` ÷ Σ `quoted_amount` over won opportunities with `quoted_amount` > 0 (both "
        "bases)."
    ),
    unit="ratio",
    direction="higher",
    anchor="opportunities.closed_at",
    breakdowns=ALL_BREAKDOWNS,
    formula=Formula("ratio", opp.HELD_AMOUNT, denominator=opp.HELD_QUOTED, n=(opp.HELD_N,)),
    example_id="Ditawarkan Rp100.000.000, disepakati Rp92.000.000 → 92,0 %.",
    example_en="Quoted Rp100,000,000, signed Rp92,000,000 → 92.0%.",
    edge_cases=(
        (
            "Peluang menang tanpa `amount` atau tanpa `quoted_amount` > 0 tidak ikut.",
            "Won opportunities without `amount` or without `quoted_amount` > 0 are left out.",
        ),
    ),
)


AVG_DEAL = KpiDef(
    id="avg_deal_size",
    group="keefektifan",
    name_id="Nilai Rata-rata Transaksi",
    name_en="Average deal size",
    description_id="Σ `amount` ÷ jumlah peluang menang (kedua basis).",
    description_en="Σ `amount` ÷ number of won opportunities (both bases).",
    unit="amount",
    direction="higher",
    anchor="opportunities.closed_at",
    breakdowns=ALL_BREAKDOWNS,
    formula=Formula(
        "ratio", opp.WON_AMOUNT, denominator=opp.WON_WITH_AMOUNT, n=(opp.WON_WITH_AMOUNT,)
    ),
    example_id="3 peluang menang: Rp10 jt, Rp20 jt, Rp30 jt → Rp20.000.000.",
    example_en="3 won deals: Rp10M, Rp20M, Rp30M → Rp20,000,000.",
    edge_cases=(
        (
            "Peluang menang tanpa `amount` tidak ikut pembilang maupun penyebut; tanpa peluang "
            "menang: null. Target kuartal tidak dijumlahkan dari target bulanan (ini rata-rata).",
            "A won opportunity without `amount` is out of numerator and denominator; no won "
            "deals: null. Quarter targets are not summed from months (it is an average).",
        ),
    ),
)


CYCLE = KpiDef(
    id="sales_cycle_days",
    group="keefektifan",
    name_id="Panjang Siklus Penjualan",
    name_en="Sales cycle",
    description_id=(
        "Median `closed_at` − `created_at`, dalam hari, atas peluang menang (kedua basis)."
    ),
    description_en=(
        "Median of `closed_at` − `created_at`, in days, over won opportunities (both bases)."
    ),
    unit="days",
    direction="lower",
    anchor="opportunities.closed_at",
    breakdowns=ALL_BREAKDOWNS,
    formula=Formula("median", opp.CYCLE_MEDIAN, n=(opp.WON,)),
    example_id="Siklus 10, 20 dan 45 hari → 20,0 hari.",
    example_en="Cycles of 10, 20 and 45 days → 20.0 days.",
    edge_cases=(
        (
            "Siklus negatif (ditutup sebelum dibuat) tetap ikut median (dan jadi peringatan).",
            "A negative cycle (closed before created) stays in the median (and is warned about).",
        ),
        (
            "Peluang menang tanpa `amount` tetap ikut; jumlah genap: rata-rata dua nilai tengah.",
            "Won deals without `amount` still count; even count: mean of the two middle values.",
        ),
    ),
)

KPIS = (SALES_VOLUME, GROSS_MARGIN, PRICE_REALIZATION, DISCOUNT, DEAL_VALUE_HELD, AVG_DEAL, CYCLE)
