"""Pantau: sales KPIs you can trust, from the files your team already has."""

__version__ = "0.1.0"
