"""Other names of the template columns, in English and Indonesian, as people head their columns.

Used to guess a mapping (:mod:`pantau.ingest.suggest`) and to find the header row under title
rows. Names compare after :func:`~pantau.ingest.header.normalise` (case, spaces, punctuation).
The presets' header wordings (HubSpot, Salesforce, …) count as aliases too, after these.
"""

from __future__ import annotations

from functools import cache

from pantau.ingest.header import normalise
from pantau.model.records import RECORD_TYPES

#: aliases of a column in every record type that has it
COMMON: dict[str, tuple[str, ...]] = {
    "rep_id": (
        "Rep", "Sales Rep", "Salesperson", "Sales Person", "Sales Agent", "Agent", "Owner",
        "Owner ID", "Account Manager", "Sales", "Nama Sales", "Kode Sales", "ID Sales",
        "Tenaga Penjual", "Penjual", "Wiraniaga", "PIC", "SDR", "SR ID",
    ),
    "customer_id": (
        "Customer", "Customer ID", "Customer Code", "Client", "Client ID", "Account",
        "Account ID", "Company", "Pelanggan", "Kode Pelanggan", "ID Pelanggan", "Konsumen",
        "Kode Customer", "Seller ID",
    ),
    "product_id": (
        "Product", "Product ID", "Product Code", "SKU", "Item", "Item Code", "Kode Barang",
        "Kode Produk", "Produk", "Barang",
    ),
    "lead_id": ("Lead", "Lead ID", "MQL ID", "ID Prospek", "Prospek", "ID Lead"),
    "opportunity_id": ("Opportunity", "Opportunity ID", "Deal", "Deal ID", "ID Peluang", "Peluang"),
    "created_at": (
        "Created", "Created At", "Created Date", "Create Date", "Created On", "Date Created",
        "Tanggal Dibuat", "Tgl Dibuat",
    ),
    "status": ("Status", "Keadaan"),
    "team": ("Team", "Sales Team", "Tim", "Tim Sales"),
    "region": ("Region", "Area", "Wilayah", "Regional Office", "Cabang"),
    "name": ("Name", "Nama"),
    "email": ("Email", "E-mail", "Surel"),
}  # fmt: skip

#: aliases of a column in one record type
BY_TYPE: dict[str, dict[str, tuple[str, ...]]] = {
    "reps": {
        "rep_id": ("Rep", "Sales Agent", "Sales Rep", "Salesperson", "Kode Sales", "Nama Sales"),
        "manager": ("Manager", "Supervisor", "Atasan", "Manajer", "Regional Manager"),
        "active_from": ("Start Date", "Joined", "Tanggal Masuk", "Mulai"),
        "active_to": ("End Date", "Left", "Tanggal Keluar", "Berhenti"),
    },
    "customers": {
        "name": (
            "Customer Name",
            "Company Name",
            "Account Name",
            "Nama Pelanggan",
            "Nama Perusahaan",
        ),
        "segment": ("Segment", "Sector", "Industry", "Business Segment", "Segmen", "Industri"),
        "region": ("Country", "City", "Office Location", "Kota", "Provinsi"),
        "parent_id": ("Parent", "Parent Account", "Subsidiary Of", "Induk", "Induk Perusahaan"),
    },
    "products": {
        "name": ("Product Name", "Nama Produk", "Nama Barang", "Description", "Deskripsi"),
        "category": ("Category", "Series", "Product Line", "Kategori", "Jenis"),
        "list_price": ("Price", "List Price", "Sales Price", "Harga", "Harga Jual", "Harga List"),
        "unit_cost": ("Cost", "Unit Cost", "HPP", "Harga Pokok", "Modal"),
    },
    "stages": {
        "stage": ("Stage", "Name", "Tahap", "Tahapan"),
        "position": ("Position", "Order", "Sequence", "Urutan", "No"),
        "kind": ("Kind", "Type", "Jenis"),
        "qualified": ("Qualified", "Is Qualified", "Terkualifikasi"),
    },
    "leads": {
        "created_at": ("Lead Date", "Date", "Tanggal", "Tanggal Masuk", "First Contact Date"),
        "source": ("Source", "Lead Source", "Origin", "Channel", "Sumber", "Sumber Lead"),
        "first_contact_at": ("First Contact", "First Contact Date", "Kontak Pertama"),
        "qualified_at": ("Qualified At", "Qualified Date", "Tanggal Kualifikasi"),
        "status": ("Lead Status", "Status Lead"),
    },
    "activities": {
        "activity_id": ("Activity", "Activity ID", "ID Aktivitas"),
        "type": ("Type", "Activity Type", "Jenis", "Jenis Aktivitas", "Tipe"),
        "occurred_at": (
            "Date",
            "Activity Date",
            "Due Date",
            "Tanggal",
            "Waktu",
            "Tanggal Aktivitas",
        ),
    },
    "opportunities": {
        "created_at": ("Engage Date", "Open Date", "Tanggal Buka"),
        "stage": ("Stage", "Deal Stage", "Pipeline Stage", "Tahap", "Tahapan", "Status Deal"),
        "quantity": ("Quantity", "Qty", "Jumlah", "Kuantitas"),
        "amount": (
            "Amount",
            "Value",
            "Deal Value",
            "Close Value",
            "Nilai",
            "Nilai Deal",
            "Nominal",
        ),
        "quoted_amount": ("Quoted Amount", "Quote", "Nilai Penawaran", "Penawaran"),
        "list_amount": ("List Amount", "Nilai List"),
        "closed_at": (
            "Close Date",
            "Closed Date",
            "Closing Date",
            "Won Date",
            "Tanggal Tutup",
            "Tgl Closing",
        ),
        "lost_reason": ("Lost Reason", "Loss Reason", "Reason", "Alasan Kalah", "Alasan"),
    },
    "stage_history": {
        "stage": ("Stage", "To Stage", "Tahap"),
        "entered_at": ("Entered", "Date Entered", "Changed At", "Date", "Tanggal"),
    },
    "order_lines": {
        "order_id": (
            "Order",
            "Order ID",
            "Order No",
            "Order Number",
            "Invoice",
            "Invoice No",
            "Invoice Number",
            "No Faktur",
            "Nomor Faktur",
            "No Invoice",
            "No Pesanan",
            "Nomor Pesanan",
            "No SO",
        ),
        "line_no": ("Line", "Line No", "Line Number", "Baris", "No Baris"),
        "order_date": (
            "Order Date",
            "Date",
            "Invoice Date",
            "Tanggal",
            "Tgl",
            "Tanggal Order",
            "Tgl Order",
            "Tanggal Faktur",
            "Tgl Faktur",
            "Tanggal Transaksi",
            "Tanggal Pesanan",
        ),
        "quantity": (
            "Quantity",
            "Qty",
            "Units",
            "Jumlah",
            "Jml",
            "Kuantitas",
            "Banyak",
            "Qty Terjual",
        ),
        "unit_net_price": (
            "Unit Price",
            "Net Price",
            "Price",
            "Harga",
            "Harga Satuan",
            "Harga Net",
        ),
        "unit_list_price": ("List Price", "Harga List", "Harga Katalog"),
        "unit_cost": ("Unit Cost", "Cost Price", "HPP Satuan", "Harga Pokok"),
        "net_amount": (
            "Sales",
            "Total",
            "Line Total",
            "Net Amount",
            "Amount",
            "Subtotal",
            "Jumlah Harga",
            "Total Harga",
            "Penjualan",
            "Omzet",
            "Nilai",
        ),
        "discount": ("Discount", "Disc", "Diskon", "Potongan"),
        "cost_amount": ("Cost", "Total Cost", "HPP", "Biaya"),
        "profit": ("Profit", "Laba", "Keuntungan"),
    },
    "sales_costs": {
        "month": ("Month", "Period", "Bulan", "Periode"),
        "category": ("Category", "Cost Type", "Kategori", "Jenis Biaya"),
        "amount": ("Amount", "Cost", "Biaya", "Jumlah", "Nominal"),
    },
    "collateral": {
        "collateral_id": ("Collateral", "Content ID", "Asset ID", "Document ID", "ID Materi"),
        "title": ("Title", "Name", "Judul", "Nama Materi"),
        "type": ("Type", "Format", "Jenis"),
        "published_at": ("Published", "Publish Date", "Tanggal Terbit"),
        "retired_at": ("Retired", "Retire Date", "Tanggal Tarik"),
    },
    "collateral_usage": {
        "used_at": ("Used At", "Date", "Tanggal"),
        "action": ("Action", "Aksi"),
    },
    "targets": {
        "kpi": ("KPI", "Metric", "Indikator"),
        "period": ("Period", "Month", "Periode", "Bulan"),
        "target": ("Target", "Goal", "Quota", "Kuota", "Sasaran"),
        "scope": ("Scope", "Level", "Tingkat"),
        "scope_id": ("Scope ID", "Who", "Siapa"),
    },
}


@cache
def for_type(name: str) -> dict[str, tuple[str, ...]]:
    """Column → its names, best first: the template name, these aliases, preset wordings."""
    from pantau.ingest import presets

    rt = RECORD_TYPES[name]
    out: dict[str, list[str]] = {c: [c] for c in rt.column_names}
    for column in rt.column_names:
        out[column] += BY_TYPE.get(name, {}).get(column, ())
        out[column] += COMMON.get(column, ())
    for preset in presets.NAMES:
        for variant in presets.variants(preset):
            if variant.record_type.name == name:
                for column, headers in variant.mapping.columns.items():
                    out[column] += headers
    return {c: tuple(dict.fromkeys(names)) for c, names in out.items()}


@cache
def known(name: str) -> frozenset[str]:
    """Every normalised name of every column of record type ``name``."""
    return frozenset(normalise(n) for names in for_type(name).values() for n in names)
