"""Reports: the KPI workbook (Excel), the monthly management report (PDF) and the e-mail digest.

The CLI (``pantau report``, ``pantau digest``) and the web app's download buttons call these::

    from pantau.reports.excel import write_excel            # .xlsx to a path or a binary stream
    from pantau.reports.pdf import write_pdf, render_pdf    # .pdf to a path/stream, or bytes
    from pantau.reports.pdf import render_html              # the same report as one HTML page
    from pantau.reports.digest import send_digest, build_digest, SmtpSettings
    from pantau.reports.csvsafe import safe_cell, safe_row, write_csv   # formula-safe CSV

Modules: :mod:`~pantau.reports.context` (cover facts, value display), :mod:`.summary` (KPI vs
target lines), :mod:`.sections` (trends, reps, funnel, data quality), :mod:`.charts` (inline SVG),
:mod:`.rendering` (Jinja2 templates in ``templates/`` and offline WeasyPrint). Every number comes
from :func:`pantau.metrics.compute_kpis` and the analysis views; nothing here computes a KPI.
"""
