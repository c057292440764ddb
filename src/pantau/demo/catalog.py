"""Fixed vocabulary of the demo company: regions, teams, names, products, stages, collateral.

The demo company is *PT Sinar Niaga Nusantara*, a distributor of IT equipment and office
solutions with branches across Indonesia. Everything here is plain data; the generator draws
from it with a seeded random generator. No value contains a comma or a quote, so the CSV
files stay easy to read.
"""

from __future__ import annotations

from typing import NamedTuple

COMPANY_NAME = "PT Sinar Niaga Nusantara"
EMAIL_DOMAIN = "sinarniaga.co.id"

# -- regions and teams ----------------------------------------------------------------------
REGIONS = ("Jabodetabek", "Jawa Barat", "Jawa Timur", "Sumatera", "Sulawesi")
#: share of reps (and customers) per region
REGION_WEIGHTS = (0.34, 0.2, 0.2, 0.16, 0.1)
#: team names per region, in the order teams are opened as the company grows
TEAM_NAMES: dict[str, tuple[str, ...]] = {
    "Jabodetabek": ("Jakarta Korporat", "Jakarta Komersial", "Tangerang", "Bekasi", "Depok"),
    "Jawa Barat": ("Bandung", "Bogor", "Cirebon", "Karawang"),
    "Jawa Timur": ("Surabaya", "Malang", "Sidoarjo", "Kediri"),
    "Sumatera": ("Medan", "Palembang", "Pekanbaru", "Padang", "Batam"),
    "Sulawesi": ("Makassar", "Manado", "Kendari", "Palu"),
}
CITIES: dict[str, tuple[str, ...]] = {
    "Jabodetabek": ("Jakarta", "Tangerang", "Bekasi", "Depok", "Bogor"),
    "Jawa Barat": ("Bandung", "Cimahi", "Cirebon", "Karawang", "Tasikmalaya", "Sukabumi"),
    "Jawa Timur": ("Surabaya", "Malang", "Sidoarjo", "Kediri", "Gresik", "Jember"),
    "Sumatera": ("Medan", "Palembang", "Pekanbaru", "Padang", "Batam", "Jambi"),
    "Sulawesi": ("Makassar", "Manado", "Kendari", "Palu", "Gorontalo", "Parepare"),
}
#: base monthly salary of a rep per region (Rupiah)
BASE_SALARY = (9_500_000, 7_200_000, 7_000_000, 6_800_000, 6_500_000)
#: travel cost of one visit per region (Rupiah): Java is compact, the islands are not
VISIT_COST = (180_000, 220_000, 210_000, 320_000, 360_000)

# -- people ---------------------------------------------------------------------------------
FIRST_NAMES = (
    "Budi", "Siti", "Dewi", "Agus", "Rina", "Andi", "Ahmad", "Putri", "Wahyu", "Sri",
    "Fitri", "Dian", "Hendra", "Yusuf", "Ayu", "Rizky", "Nur", "Eko", "Bambang", "Lestari",
    "Indah", "Fajar", "Gilang", "Maya", "Ratna", "Taufik", "Yoga", "Hadi", "Teguh", "Arief",
    "Bayu", "Citra", "Dimas", "Reza", "Sari", "Novi", "Irfan", "Galih", "Anisa", "Rudi",
    "Wulan", "Joko", "Kartika", "Lukman", "Mega", "Nanda", "Oki", "Prasetyo", "Rahmat",
    "Intan", "Yudi", "Vina", "Hendri", "Dedi", "Tika", "Ilham", "Aulia", "Farhan", "Gita",
    "Hana", "Kevin", "Melati", "Niken", "Puspita", "Riyadi", "Slamet", "Tri", "Umar",
)  # fmt: skip
LAST_NAMES = (
    "Santoso", "Wijaya", "Saputra", "Pratama", "Hidayat", "Siregar", "Nasution", "Lubis",
    "Harahap", "Sinaga", "Tanjung", "Setiawan", "Kusuma", "Wibowo", "Nugroho", "Purnomo",
    "Hartono", "Susanto", "Gunawan", "Suryadi", "Permana", "Hermawan", "Kurniawan",
    "Ramadhan", "Maulana", "Firmansyah", "Hakim", "Rahman", "Tahir", "Pangaribuan",
    "Simanjuntak", "Situmorang", "Manurung", "Sembiring", "Ginting", "Wahyudi", "Halim",
    "Syahputra", "Utomo", "Prabowo", "Hasibuan", "Rangkuti", "Pohan", "Mappasessu",
    "Lamba", "Pakpahan", "Daulay", "Irawan", "Fauzi", "Anwar", "Sugiarto", "Hutagalung",
)  # fmt: skip

# -- customers ------------------------------------------------------------------------------
SEGMENTS = ("Enterprise", "UKM", "Pemerintah", "Retail", "Pendidikan")
SEGMENT_WEIGHTS = (0.16, 0.36, 0.12, 0.24, 0.12)
#: median length of one stage of an opportunity, in days, per segment
STAGE_DAYS = (12.0, 4.0, 20.0, 2.0, 10.0)
#: typical quantity per deal per segment (multiplied by the product category's factor)
SEGMENT_QTY = (10.0, 2.5, 14.0, 1.8, 9.0)
#: win-probability factor per segment
SEGMENT_WIN = (0.85, 1.1, 0.8, 1.25, 0.95)
#: how often a customer of the segment reorders (relative)
SEGMENT_REORDER = (1.3, 1.0, 0.45, 1.6, 0.6)

COMPANY_WORDS = (
    "Nusantara", "Sentosa", "Makmur", "Abadi", "Jaya", "Sejahtera", "Perkasa", "Gemilang",
    "Lestari", "Utama", "Prima", "Mulia", "Bersama", "Sukses", "Cemerlang", "Sakti",
    "Berkah", "Harapan", "Indah", "Agung", "Raya", "Tunggal", "Mitra", "Karya", "Sinar",
    "Cahaya", "Bintang", "Samudra", "Bumi", "Tirta", "Surya", "Graha", "Wahana", "Artha",
    "Buana", "Inti", "Niaga", "Sarana", "Persada", "Semesta", "Kencana", "Mandala", "Citra",
    "Dharma", "Lautan", "Anugerah", "Pelita", "Rejeki", "Sumber", "Tunas", "Mega", "Putra",
)  # fmt: skip
GOV_UNITS = (
    "Dinas Pendidikan", "Dinas Kesehatan", "Dinas Perhubungan", "Dinas Komunikasi dan Informatika",
    "Dinas Pekerjaan Umum", "Dinas Pariwisata", "Dinas Koperasi dan UKM", "Badan Pendapatan Daerah",
    "Sekretariat Daerah", "RSUD",
)  # fmt: skip
RETAIL_KINDS = ("Toko", "Minimarket", "Apotek", "Toserba", "Toko Buku", "Swalayan")
SCHOOL_KINDS = ("SMA Negeri", "SMK Negeri", "SMP Negeri", "Yayasan Pendidikan", "Universitas")

# -- products -------------------------------------------------------------------------------


class Product(NamedTuple):
    product_id: str
    name: str
    category: str
    list_price: int
    unit_cost: int | None  # None: the company does not track the cost (services)


CATEGORIES = (
    "Laptop", "Desktop dan Server", "Printer dan Scanner", "Jaringan", "Software", "Layanan",
    "Aksesoris", "Perlengkapan Kantor",
)  # fmt: skip
#: quantity factor per category (a deal of servers is a few units, of paper many reams)
CATEGORY_QTY = (1.0, 0.5, 0.4, 0.7, 2.5, 0.6, 1.5, 8.0)

PRODUCTS = (
    Product("LPT-01", "Laptop Bisnis 14 inci Core i5", "Laptop", 13_500_000, 11_200_000),
    Product("LPT-02", "Laptop Bisnis 14 inci Core i7", "Laptop", 18_900_000, 15_600_000),
    Product("LPT-03", "Laptop Ultrabook 13 inci", "Laptop", 22_500_000, 18_700_000),
    Product("LPT-04", "Laptop Pelajar 11 inci", "Laptop", 4_800_000, 3_950_000),
    Product("LPT-05", "Laptop Workstation 16 inci", "Laptop", 38_000_000, 31_500_000),
    Product("PC-01", "PC Desktop Core i5 dan Monitor 22 inci", "Desktop dan Server",
            11_750_000, 9_600_000),
    Product("PC-02", "PC All-in-One 24 inci", "Desktop dan Server", 14_900_000, 12_300_000),
    Product("SRV-01", "Server Rak 1U Xeon", "Desktop dan Server", 68_000_000, 56_000_000),
    Product("SRV-02", "Server Tower Entry", "Desktop dan Server", 32_500_000, 26_900_000),
    Product("NAS-01", "NAS 4-Bay 16 TB", "Desktop dan Server", 21_000_000, 17_100_000),
    Product("PRN-01", "Printer Laser Mono A4", "Printer dan Scanner", 3_650_000, 2_900_000),
    Product("PRN-02", "Printer Multifungsi Warna A4", "Printer dan Scanner", 7_900_000,
            6_350_000),
    Product("PRN-03", "Mesin Fotokopi Multifungsi A3", "Printer dan Scanner", 42_000_000,
            34_500_000),
    Product("PRN-04", "Printer Kasir Thermal 80 mm", "Printer dan Scanner", 1_450_000, 1_080_000),
    Product("SCN-01", "Scanner Dokumen ADF", "Printer dan Scanner", 8_750_000, 7_000_000),
    Product("NET-01", "Router Kantor Dual-WAN", "Jaringan", 4_200_000, 3_300_000),
    Product("NET-02", "Switch 24 Port Gigabit Managed", "Jaringan", 6_800_000, 5_450_000),
    Product("NET-03", "Access Point Wi-Fi 6", "Jaringan", 2_650_000, 2_050_000),
    Product("NET-04", "Firewall UTM 100 Pengguna", "Jaringan", 29_500_000, 23_800_000),
    Product("CCTV-01", "Paket CCTV 8 Kamera dan NVR", "Jaringan", 12_500_000, 9_700_000),
    Product("SW-01", "Lisensi Office Bisnis per Pengguna per Tahun", "Software", 2_100_000,
            1_750_000),
    Product("SW-02", "Antivirus Endpoint per Perangkat per Tahun", "Software", 385_000, 290_000),
    Product("SW-03", "ERP Nusantara Cloud per Pengguna per Tahun", "Software", 6_000_000,
            2_400_000),
    Product("SW-04", "Aplikasi Kasir POS per Outlet per Tahun", "Software", 3_600_000, 1_200_000),
    Product("SW-05", "Lisensi Windows Pro", "Software", 3_150_000, 2_700_000),
    Product("SVC-01", "Instalasi dan Konfigurasi per Hari", "Layanan", 2_500_000, None),
    Product("SVC-02", "Pelatihan Pengguna per Sesi", "Layanan", 4_500_000, None),
    Product("SVC-03", "Kontrak Perawatan Tahunan per Unit", "Layanan", 950_000, 520_000),
    Product("SVC-04", "Konsultasi Implementasi ERP per Hari", "Layanan", 7_500_000, None),
    Product("SVC-05", "Perpanjangan Garansi 1 Tahun", "Layanan", 650_000, 380_000),
    Product("ACC-01", "Monitor 24 inci IPS", "Aksesoris", 2_350_000, 1_850_000),
    Product("ACC-02", "Keyboard dan Mouse Nirkabel", "Aksesoris", 385_000, 265_000),
    Product("ACC-03", "UPS 1200 VA", "Aksesoris", 1_650_000, 1_250_000),
    Product("ACC-04", "Proyektor XGA 3600 Lumen", "Aksesoris", 7_250_000, 5_800_000),
    Product("ACC-05", "Tas Laptop", "Aksesoris", 275_000, 160_000),
    Product("ACC-06", "Docking Station USB-C", "Aksesoris", 2_950_000, 2_300_000),
    Product("SUP-01", "Kertas HVS A4 80 gsm per Rim", "Perlengkapan Kantor", 52_000, 41_000),
    Product("SUP-02", "Toner Laser Hitam", "Perlengkapan Kantor", 1_150_000, 820_000),
    Product("SUP-03", "Tinta Printer Warna Set 4", "Perlengkapan Kantor", 480_000, 345_000),
    Product("SUP-04", "Kertas Thermal 80 mm per Dus", "Perlengkapan Kantor", 375_000, 270_000),
    Product("SUP-05", "Label Barcode per Rol", "Perlengkapan Kantor", 95_000, 62_000),
    Product("SUP-06", "Kabel LAN Cat6 per Box 305 m", "Perlengkapan Kantor", 1_850_000,
            1_390_000),
    Product("SUP-07", "Flashdisk 64 GB", "Perlengkapan Kantor", 120_000, 82_000),
    Product("SUP-08", "Harddisk Eksternal 2 TB", "Perlengkapan Kantor", 1_250_000, 960_000),
)  # fmt: skip

#: category weights of the main product of an opportunity, per segment (order of CATEGORIES)
DEAL_CATEGORY_WEIGHTS = (
    (14, 12, 8, 16, 22, 10, 4, 2),  # Enterprise
    (30, 12, 16, 12, 10, 6, 8, 6),  # UKM
    (24, 14, 14, 14, 10, 8, 12, 4),  # Pemerintah
    (8, 6, 22, 8, 26, 6, 12, 12),  # Retail
    (36, 10, 10, 12, 10, 8, 12, 2),  # Pendidikan
)
#: category weights of reorders (no opportunity: consumables, accessories, renewals)
REORDER_CATEGORY_WEIGHTS = (0, 0, 2, 2, 10, 8, 22, 56)
#: category weights of the extra lines added to an order won through an opportunity
EXTRA_CATEGORY_WEIGHTS = (0, 0, 2, 4, 12, 34, 38, 10)

# -- pipeline -------------------------------------------------------------------------------
#: (stage, kind, qualified)
STAGES = (
    ("Prospek", "open", False),
    ("Kualifikasi", "open", True),
    ("Proposal", "open", True),
    ("Negosiasi", "open", True),
    ("Menang", "won", True),
    ("Kalah", "lost", False),
)
OPEN_STAGES = 4  # the first four stages are open; then Menang (won) and Kalah (lost)
LOST_REASONS = (
    "Harga terlalu tinggi", "Memilih kompetitor", "Anggaran ditunda", "Tidak ada respons",
    "Tidak sesuai kebutuhan", "Proyek dibatalkan", "Waktu pengiriman terlalu lama",
)  # fmt: skip
LOST_REASON_WEIGHTS = (30, 24, 16, 12, 8, 6, 4)

SOURCES = (
    "Website",
    "Referral",
    "Pameran",
    "Instagram",
    "WhatsApp",
    "Telemarketing",
    "Email Marketing",
)
SOURCE_WEIGHTS = (26, 12, 0, 18, 22, 14, 8)
#: share of Pameran leads in an exhibition month (0 otherwise)
EXPO_SHARE = 0.22
#: calendar months with a trade fair (Pameran) the company exhibits at
EXPO_MONTHS = (3, 9, 11)
#: probability that a contacted lead of each source qualifies
SOURCE_QUALIFY = (0.34, 0.6, 0.4, 0.16, 0.26, 0.13, 0.2)

ACTIVITY_TYPES = ("call", "email", "whatsapp", "meeting", "visit", "demo")
#: activity type weights at the start and at the end of an opportunity
EARLY_TYPE_WEIGHTS = (34, 20, 30, 8, 5, 3)
LATE_TYPE_WEIGHTS = (14, 18, 16, 26, 14, 12)
#: activity type weights of account care (no opportunity)
ACCOUNT_TYPE_WEIGHTS = (30, 8, 28, 12, 22, 0)
#: first-contact activity type weights per lead source
CONTACT_TYPE_WEIGHTS = (
    (60, 25, 15, 0, 0, 0),  # Website
    (55, 5, 20, 20, 0, 0),  # Referral
    (45, 5, 50, 0, 0, 0),  # Pameran
    (5, 0, 95, 0, 0, 0),  # Instagram
    (5, 0, 95, 0, 0, 0),  # WhatsApp
    (100, 0, 0, 0, 0, 0),  # Telemarketing
    (40, 50, 10, 0, 0, 0),  # Email Marketing
)

# -- collateral -----------------------------------------------------------------------------


class Collateral(NamedTuple):
    """A sales material. Days are offsets from the first day of the demo period."""

    title: str
    type: str
    published: int | None  # None: never dated
    retired: int | None
    weight: float  # how popular it is with reps (0: never used)


def collateral_items(first_year: int, months: int) -> list[Collateral]:
    """The demo's sales materials; yearly catalogues replace each other."""
    items = [
        Collateral(f"Profil Perusahaan {COMPANY_NAME}", "presentasi", None, None, 3.0),
        Collateral("Brosur Laptop Bisnis", "brosur", -240, None, 3.0),
        Collateral("Brosur Solusi Jaringan dan CCTV", "brosur", -120, None, 2.0),
        Collateral("Brosur ERP Nusantara Cloud", "brosur", 150, None, 2.0),
        Collateral("Presentasi Solusi Infrastruktur TI", "presentasi", -400, 420, 2.5),
        Collateral("Presentasi Infrastruktur TI Terpadu", "presentasi", 410, None, 2.5),
        Collateral("Presentasi Paket Sekolah Digital", "presentasi", 60, None, 1.2),
        Collateral("Studi Kasus Kasir Digital Jaringan Minimarket", "studi kasus", -30, None, 1.0),
        Collateral("Studi Kasus Jaringan Kantor Dinas Kesehatan", "studi kasus", 200, None, 0.8),
        Collateral("Studi Kasus Migrasi ERP Distributor", "studi kasus", 330, None, 0.1),
        Collateral("Studi Kasus Rumah Sakit Daerah", "studi kasus", 500, None, 0.0),
        Collateral("Video Demo Aplikasi Kasir POS", "video", 90, None, 0.2),
        Collateral("Template Penawaran e-Katalog Pemerintah", "template", -60, 380, 0.15),
    ]
    for k in range(months // 12 + 1):
        start = 365 * k - 20
        items.append(
            Collateral(f"Katalog Produk {first_year + k}", "katalog", start, start + 365, 3.5)
        )
        items.append(
            Collateral(f"Daftar Harga {first_year + k}", "daftar harga", start, start + 365, 0.3)
        )
    return items


# -- costs ----------------------------------------------------------------------------------
COST_SALARY = "Gaji"
COST_COMMISSION = "Komisi"
COST_THR = "THR"
COST_TRAVEL = "Perjalanan"
COST_ENTERTAINMENT = "Entertainment"
COST_MANAGER = "Gaji Manajer"
COST_ADS = "Iklan"
COST_EXPO = "Pameran"
COMMISSION_RATE = 0.025
