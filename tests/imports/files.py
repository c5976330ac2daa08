"""Library files as the services export them, built from a few values per row."""

import csv
import io

from apps.imports.formats import goodreads, storygraph

GOODREADS_DEFAULTS = {"My Rating": "0", "Exclusive Shelf": "to-read", "Read Count": "0"}


def csv_text(columns: list[str], rows: list[dict], defaults: dict | None = None) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**(defaults or {}), **row})
    return out.getvalue()


def goodreads_csv(rows: list[dict], *, old: bool = False) -> str:
    columns = goodreads.COLUMNS + (goodreads.OLD_EXTRA_COLUMNS if old else [])
    numbered = [{"Book Id": str(1000 + i), **row} for i, row in enumerate(rows)]
    return csv_text(columns, numbered, GOODREADS_DEFAULTS)


def storygraph_csv(rows: list[dict]) -> str:
    return csv_text(storygraph.COLUMNS, rows)
