"""`manage.py import_catalog PATH`: loads or refreshes the catalogue from a goodbooks-10k CSV."""

import csv
import sys
from argparse import RawDescriptionHelpFormatter

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from apps.catalog.catalog_csv import CatalogFileError
from apps.catalog.importer import CatalogImporter, ImportResult

HELP = """\
Imports books, authors and series from a CSV in the goodbooks-10k books.csv format.

Running it again with the same or a newer file updates the books it imported before (matched
by goodreads_book_id, else by ISBN-13) and never duplicates books, authors (matched by folded
name), series or author links. Values the file leaves empty never erase what a book has.

ISBN-10s get back the leading zeros a spreadsheet dropped when the check digit then
validates; ISBN-13 is derived from the ISBN-10 (the file's float isbn13 column lost digits and
is ignored). An ISBN that fails its check digit, that an earlier row of the file already has,
or that belongs to another book in the catalogue is left out: the book is imported without it
and a warning names the row. Rows that cannot be imported (no title, a title over 500
characters, a malformed number, a repeated goodreads_book_id, a database error) are reported
as errors and skipped; the rest of the file is imported.

Titles like "Catching Fire (The Hunger Games, #2)" are split into title, series and position
(the comma is optional; "#1-3" omnibus editions join the series without a position). The
"author" links of a book follow the file's byline; links with other roles are left alone.

Problems are printed to stderr as "row N (line L): error|warning: reason", where N counts data
rows from 1 (the header is not a row) and L is the line of the file the row starts on; with
-v 0 only errors are printed. A summary follows on stdout, and a progress bar on stderr when
stdout is a terminal. The exit status is 0 even when rows failed: read the summary.
"""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs) -> CommandParser:
        # Keep the help's paragraphs as written.
        return super().create_parser(
            prog_name, subcommand, formatter_class=RawDescriptionHelpFormatter, **kwargs
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the CSV file (goodbooks-10k books.csv columns)")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            help="rows written per transaction (default 1000)",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="no progress bar, even on a terminal"
        )

    def handle(self, *args, path: str, batch_size: int, no_progress: bool, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        bar = None
        if not no_progress and self.stdout.isatty():
            bar = tqdm(total=_count_rows(path), unit="rows", file=sys.stderr)
        try:
            result = CatalogImporter(batch_size, bar.update if bar else None).run(path)
        except CatalogFileError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if bar:
                bar.close()
        self._report(result, options["verbosity"])

    def _report(self, result: ImportResult, verbosity: int) -> None:
        shown = result.errors if verbosity < 1 else result.issues
        for issue in shown:
            style = self.style.ERROR if issue.severity == "error" else self.style.WARNING
            self.stderr.write(str(issue), style_func=style)
        self.stdout.write(
            f"Read {result.rows} rows "
            "(row numbers count data rows from 1; line numbers are the file's).\n"
            f"  books created:   {result.created}\n"
            f"  books updated:   {result.updated}\n"
            f"  books unchanged: {result.unchanged}\n"
            f"  rows failed:     {result.failed}\n"
            f"  authors created: {result.authors_created}\n"
            f"  series created:  {result.series_created}\n"
            f"  warnings:        {len(result.warnings)}\n"
            f"  elapsed seconds: {result.elapsed:.2f}"
        )


def _count_rows(path: str) -> int | None:
    """The number of data rows, for the progress bar's total (None when unreadable)."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
            return max(sum(1 for fields in csv.reader(handle) if fields) - 1, 0)
    except (OSError, csv.Error):
        return None
