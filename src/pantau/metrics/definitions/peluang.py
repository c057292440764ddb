"""Group 1 of kpis.md, *Peluang* (opportunities): leads, activities, qualification, wins."""

from __future__ import annotations

from pantau.metrics.definitions.common import ALL_BREAKDOWNS, LEAD_BREAKDOWNS, REP_BREAKDOWNS
from pantau.metrics.kpidef import KpiDef
from pantau.metrics.parts import Formula
from pantau.metrics.sources import activities as act
from pantau.metrics.sources import leads as ld
from pantau.metrics.sources import opportunities as opp

LEADS = KpiDef(
    id="leads",
    group="peluang",
    name_id="Arus Prospek",
    name_en="Lead flow",
    description_id="Jumlah prospek (lead) yang dibuat dalam periode.",
    description_en="Number of leads created in the period.",
    unit="count",
    direction="higher",
    anchor="leads.created_at",
    breakdowns=LEAD_BREAKDOWNS,
    formula=Formula("count", ld.LEADS, n=(ld.LEADS,)),
    additive=True,
    example_id="Maret 2026: 120 prospek dibuat antara 1 dan 31 Maret (waktu bisnis) → 120.",
    example_en="March 2026: 120 leads created from 1 to 31 March (business time) → 120.",
    edge_cases=(
        (
            "Prospek yang dibuat 2026-01-31 20:00 UTC = 2026-02-01 03:00 WIB: masuk Februari.",
            "A lead created 2026-01-31 20:00 UTC is 2026-02-01 03:00 in Jakarta: February.",
        ),
        (
            "Tanggal tanpa jam berarti hari itu di zona waktu bisnis (tengah malam lokal).",
            "A date without a time means that day in the business time zone (local midnight).",
        ),
    ),
)


SPEED = KpiDef(
    id="speed_to_lead",
    group="peluang",
    name_id="Respons ≤ 1 Jam",
    name_en="Contacted within 1 hour",
    description_id=(
        "Prospek yang kontak pertamanya terjadi paling lambat 60 menit setelah `created_at` ÷ "
        "semua prospek periode itu (prospek yang tidak pernah dihubungi tetap di penyebut). "
        "Kontak pertama = yang paling awal dari `leads.first_contact_at` dan `occurred_at` "
        "aktivitas berstatus done yang `lead_id`-nya prospek itu."
    ),
    description_en=(
        "Leads whose first contact came at most 60 minutes after `created_at` ÷ all leads of "
        "the period (a lead never contacted stays in the denominator). First contact = the "
        "earliest of `leads.first_contact_at` and the `occurred_at` of the done activities whose "
        "`lead_id` is that lead."
    ),
    unit="ratio",
    direction="higher",
    anchor="leads.created_at",
    breakdowns=LEAD_BREAKDOWNS,
    formula=Formula("ratio", ld.WITHIN_HOUR, denominator=ld.LEADS, n=(ld.LEADS,)),
    needs_contact_info=True,
    example_id="40 prospek, 26 dihubungi dalam 60 menit → 26 ÷ 40 = 65,0 %.",
    example_en="40 leads, 26 contacted within 60 minutes → 26 ÷ 40 = 65.0%.",
    edge_cases=(
        ("Tepat 60 menit masih dalam satu jam.", "Exactly 60 minutes is within the hour."),
        (
            "Kontak sebelum `created_at` dihitung 0 menit (dan jadi peringatan kualitas data).",
            "A contact before `created_at` counts as 0 minutes (and is a data-quality warning).",
        ),
        (
            "Tanpa informasi kontak pertama sama sekali di store: null (tidak diketahui), bukan 0.",
            "No first-contact information in the whole store: null (unknown), not 0.",
        ),
    ),
)


RESPONSE = KpiDef(
    id="response_time_median_min",
    group="peluang",
    name_id="Median Waktu Respons",
    name_en="Median response time",
    description_id=(
        "Median menit dari `created_at` sampai kontak pertama, atas prospek periode itu yang "
        "punya kontak pertama."
    ),
    description_en=(
        "Median minutes from `created_at` to first contact, over the period's leads that have a "
        "first contact."
    ),
    unit="minutes",
    direction="lower",
    anchor="leads.created_at",
    breakdowns=LEAD_BREAKDOWNS,
    formula=Formula("median", ld.RESPONSE_MEDIAN, n=(ld.CONTACTED,)),
    needs_contact_info=True,
    example_id="Respons 5, 20, 45 dan 90 menit → (20 + 45) ÷ 2 = 32,5 menit.",
    example_en="Responses after 5, 20, 45 and 90 minutes → (20 + 45) ÷ 2 = 32.5 minutes.",
    edge_cases=(
        (
            "Jumlah data genap: rata-rata dua nilai tengah (median interpolasi).",
            "An even count: the mean of the two middle values (interpolated median).",
        ),
        (
            "Prospek tanpa kontak tidak ikut; periode tanpa prospek yang dihubungi: null.",
            "Leads never contacted are left out; a period without contacted leads: null.",
        ),
        ("Kontak sebelum `created_at` = 0 menit.", "A contact before `created_at` = 0 minutes."),
    ),
)


ACTIVITIES = KpiDef(
    id="activities",
    group="peluang",
    name_id="Aktivitas",
    name_en="Activities",
    description_id="Aktivitas dengan `status` = done.",
    description_en="Activities with `status` = done.",
    unit="count",
    direction="higher",
    anchor="activities.occurred_at",
    breakdowns=REP_BREAKDOWNS,
    formula=Formula("count", act.ACTIVITIES, n=(act.ACTIVITIES,)),
    additive=True,
    example_id="310 aktivitas selesai dan 40 direncanakan pada Maret → 310.",
    example_en="310 done and 40 planned activities in March → 310.",
    edge_cases=(
        (
            "Aktivitas planned tidak dihitung; status kosong berarti done.",
            "Planned activities do not count; a missing status means done.",
        ),
    ),
)


KEY_ACTIVITIES = KpiDef(
    id="key_activities",
    group="peluang",
    name_id="Aktivitas Kunci",
    name_en="Key activities",
    description_id=(
        "Aktivitas berstatus done dari jenis kunci (setelan `key_activity_type`; bawaan meeting)."
    ),
    description_en=(
        "Done activities of the key type (setting `key_activity_type`; default meeting)."
    ),
    unit="count",
    direction="higher",
    anchor="activities.occurred_at",
    breakdowns=REP_BREAKDOWNS,
    formula=Formula("count", act.KEY_ACTIVITIES, n=(act.KEY_ACTIVITIES,)),
    additive=True,
    example_id="310 aktivitas selesai, 55 di antaranya meeting → 55.",
    example_en="310 done activities, 55 of them meetings → 55.",
    edge_cases=(
        (
            "Jenis dicocokkan tanpa membedakan huruf besar/kecil (`Meeting` = `meeting`).",
            "The type matches case-insensitively (`Meeting` = `meeting`).",
        ),
    ),
)


QUALIFIED = KpiDef(
    id="qualified_rate",
    group="peluang",
    name_id="Tingkat Peluang Terkualifikasi (QOR)",
    name_en="Qualified opportunity rate",
    description_id=(
        "Prospek periode itu yang terkualifikasi ÷ prospek periode itu (tingkat kohort: bisa "
        "naik setelah periode berakhir). Prospek terkualifikasi bila punya `qualified_at`, atau "
        "`status` qualified atau converted, atau ada peluang yang `lead_id`-nya prospek itu."
    ),
    description_en=(
        "Leads of the period that are qualified ÷ leads of the period (a cohort rate: it can "
        "still rise after the period ends). A lead is qualified when it has a `qualified_at`, or "
        "`status` is qualified or converted, or some opportunity has it as `lead_id`."
    ),
    unit="ratio",
    direction="higher",
    anchor="leads.created_at",
    breakdowns=LEAD_BREAKDOWNS,
    formula=Formula("ratio", ld.QUALIFIED, denominator=ld.LEADS, n=(ld.LEADS,)),
    example_id="120 prospek Maret, 30 di antaranya terkualifikasi (kapan pun) → 25,0 %.",
    example_en="120 March leads, 30 of them qualified (at any time) → 25.0%.",
    edge_cases=(
        (
            "Kualifikasi di bulan berikutnya menaikkan angka bulan prospek dibuat.",
            "A qualification in a later month raises the rate of the lead's creation month.",
        ),
    ),
)


WIN_RATE = KpiDef(
    id="win_rate",
    group="peluang",
    name_id="Tingkat Kemenangan",
    name_en="Win rate",
    description_id=(
        "Menang ÷ (menang + kalah), atas peluang yang ditutup dalam periode. Menang/kalah dari "
        "`kind` tahap di `stages` (nama tahap tanpa membedakan huruf besar/kecil); tanpa "
        "`stages`, nama won/closed won/menang dan lost/closed lost/kalah."
    ),
    description_en=(
        "Won ÷ (won + lost), over opportunities closed in the period. Won/lost from the `kind` "
        "of the stage in `stages` (stage names in any case); with no `stages` loaded, the names "
        "won/closed won/menang and lost/closed lost/kalah."
    ),
    unit="ratio",
    direction="higher",
    anchor="opportunities.closed_at",
    breakdowns=ALL_BREAKDOWNS,
    formula=Formula("ratio", opp.WON, denominator=opp.CLOSED, n=(opp.CLOSED,)),
    example_id="Maret: 12 menang, 18 kalah → 12 ÷ 30 = 40,0 %.",
    example_en="March: 12 won, 18 lost → 12 ÷ 30 = 40.0%.",
    edge_cases=(
        (
            "Menang/kalah tanpa `closed_at` tidak masuk periode mana pun.",
            "Won or lost without `closed_at` is in no period.",
        ),
        (
            "Tahap yang tidak ada di `stages` dianggap terbuka.",
            "A stage missing from `stages` is open.",
        ),
    ),
)

KPIS = (LEADS, SPEED, RESPONSE, ACTIVITIES, KEY_ACTIVITIES, QUALIFIED, WIN_RATE)
