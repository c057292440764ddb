"""The KPI definitions, one module per group of kpis.md."""
