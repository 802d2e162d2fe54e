"""Formatting only: REPORT.md, verdicts.json, the figures and SUMMARY.md, from what judge decided."""
