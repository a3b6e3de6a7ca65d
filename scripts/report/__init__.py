"""Writes one self-contained HTML report of a parbench run (or of the two runs of `make bench`).

    scripts/report.py [--auto-pair] [--output FILE] RUN [RUN2]

The page embeds its plots as PNG data: URIs and its CSS inline; it needs no script and no
network.  Standard library and matplotlib (Agg) only; matplotlib is imported only to draw, so
the reading and the text can be imported and tested without it.

Every statistic on the page is parbench's own, from summary.csv, verdicts.csv and meta.json:
this package computes none; it picks, compares with 1 and formats.  What a workload's size
unit is, how a column is typed, whether a strategy runs in Python: the run's schema.json.

    read.py      a run directory: meta.json, schema.json and the CSV files
    groups.py    the cells of a workload at one task count and size
    text.py      figures and verdicts as text
    figures.py   the plots
    findings.py  each group's verdict, task costs, crossovers
    claims.py    the articles' claims, answered from the run
    tables.py    the summary tables and C against Python
    html.py      the page
    __main__.py  the command line
"""
