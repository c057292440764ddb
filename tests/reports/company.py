"""A small company with known numbers, loaded once per test module through the importer.

Deal basis (no order lines), three months (2026-01 … 2026-03), three reps — one of them with a
formula-injection id — and targets for March. Hand-worked March numbers (company):
sales volume 45 000 000 (O2 + O4 + O5), win rate 3/4 = 75 %, leads 4.
"""

from __future__ import annotations

from pathlib import Path

from pantau.ingest import import_file
from pantau.store import Store

EVIL_REP = '=HYPERLINK("http://x")'
EVIL_TEAM = "+cmd"
REPORT_MONTH = "2026-03"

FILES = {
    "reps": f'''rep_id,name,team,region
R1,Budi Santoso,Barat,Jawa
R2,Sari Dewi,Timur,Sulawesi
"{EVIL_REP.replace('"', '""')}",Mallory,{EVIL_TEAM},Jawa
''',
    "customers": """customer_id,name,segment
C1,PT Maju Jaya,Retail
C2,CV Sumber Rejeki,-Grosir
C3,Toko Abadi,Retail
""",
    "leads": """lead_id,created_at,source,rep_id,first_contact_at,status
L1,2026-02-03 09:00,web,R1,2026-02-03 09:30,qualified
L2,2026-03-02 10:00,web,R1,2026-03-02 10:20,qualified
L3,2026-03-05 11:00,referral,R2,2026-03-05 14:00,open
L4,2026-03-09 08:00,web,R2,,open
L5,2026-03-20 13:00,pameran,R1,2026-03-20 13:45,disqualified
""",
    "opportunities": "opportunity_id,rep_id,created_at,stage,customer_id,lead_id,"
    + f"""amount,quoted_amount,closed_at
O7,R1,2026-01-05,won,C1,,7000000,,2026-01-20
O1,R1,2026-01-10,won,C1,,10000000,12000000,2026-02-05
O2,R1,2026-02-01,won,C3,L1,25000000,25000000,2026-03-10
O3,R2,2026-02-15,lost,C2,,,,2026-03-12
O4,R2,2026-02-20,won,C2,,15000000,20000000,2026-03-20
O5,"{EVIL_REP.replace('"', '""')}",2026-03-01,won,C1,,5000000,,2026-03-25
O6,R1,2026-03-05,proposal,C3,L2,8000000,,
""",
    "targets": """kpi,period,target,scope,scope_id
sales_volume,2026-03,40000000,company,
sales_volume,2026-02,12000000,company,
sales_volume,2026-01,5000000,company,
sales_volume,2026-03,20000000,rep,R1
sales_volume,2026-03,20000000,rep,R2
win_rate,2026-03,0.8,company,
leads,2026-03,3,company,
""",
}


def load_company(store: Store, folder: Path) -> Store:
    """Import :data:`FILES` into ``store`` (parents before children)."""
    for record_type, text in FILES.items():
        path = folder / f"{record_type}.csv"
        path.write_text(text, encoding="utf-8")
        import_file(store, record_type, path, user="test")
    return store
