"""Managers' dashboard: scores, trends, breakdowns, drivers, queue health, export."""
