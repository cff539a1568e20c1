"""manage.py import_nominations FILE [--dry-run]: the admin's CSV import, from a shell (docs/import.md)."""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from registry.imports import nominations_import_file


class Command(BaseCommand):
    help = "Import nominations from a CSV file: every row is checked first, then all are written or none."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to a UTF-8 CSV file with a header row.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row and report; write nothing."
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args, file, dry_run, no_progress, **options):
        def progress(rows):
            return tqdm(rows, desc="Checking", unit="row", file=sys.stderr, disable=no_progress or None)

        try:
            with open(file, "rb") as handle:
                report = nominations_import_file(file=handle, dry_run=dry_run, progress=progress)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        for error in report.errors:
            self.stderr.write(str(error))
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))
