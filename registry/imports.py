"""CSV import of nominations (docs/import.md): every row validated first, then all rows or none.

Used by the admin's import page and by `manage.py import_nominations`.
"""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils.translation import gettext, ngettext
from django_countries import countries
from simple_history.utils import bulk_create_with_history

from .models import Category, Edition, Nomination, Nominee, Program, slug_not_only_digits
from .services import nomination_status_permitted

COLUMNS = [
    "program",
    "year",
    "category",
    "nominee",
    "nominee_name",
    "nominee_kind",
    "nominee_country",
    "nominee_title",
    "status",
    "citation",
    "justification",
    "nominated_by",
]
REQUIRED_COLUMNS = ["program", "year", "category", "nominee"]
MAX_LENGTHS = {"nominee": 200, "nominee_name": 200, "nominee_title": 200, "nominated_by": 200}
CHUNK = 1000


@dataclass(frozen=True)
class RowError:
    """One problem, located by row (the header is row 1, as in a spreadsheet) and column."""

    row: int
    column: str
    message: str

    def __str__(self):
        return f"Row {self.row}, column {self.column}: {self.message}"


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    nominees_created: int = 0
    skipped: list[int] = field(default_factory=list)  # rows already in the database: left as they are
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        rows = ngettext("%(count)d row", "%(count)d rows", self.rows) % {"count": self.rows}
        if self.errors:
            errors = ngettext("%(count)d error", "%(count)d errors", len(self.errors))
            return gettext("%(errors)s in %(rows)s: nothing was imported.") % {
                "errors": errors % {"count": len(self.errors)},
                "rows": rows,
            }
        counts = {
            "rows": rows,
            "nominations": ngettext("%(count)d nomination", "%(count)d nominations", self.created)
            % {"count": self.created},
            "nominees": ngettext("%(count)d new nominee", "%(count)d new nominees", self.nominees_created)
            % {"count": self.nominees_created},
            "skipped": len(self.skipped),
        }
        if self.dry_run:
            text = gettext(
                "%(rows)s: would create %(nominations)s and %(nominees)s; "
                "%(skipped)d already in the registry (left unchanged)."
            )
        else:
            text = gettext(
                "%(rows)s: created %(nominations)s and %(nominees)s; "
                "%(skipped)d already in the registry (left unchanged)."
            )
        return text % counts


def read_csv(file) -> tuple[list[str], list[list[str]]]:
    """Decode an uploaded or opened binary CSV file (UTF-8, with or without BOM)."""
    data = file.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(f"The file is not UTF-8 text ({exc.reason} at byte {exc.start}).") from exc
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = [name.strip().lower() for name in next(reader, [])]
        rows = [values for values in reader if any(value.strip() for value in values)]
    except csv.Error as exc:
        raise ValidationError(f"The file is not valid CSV: {exc}.") from exc
    return header, rows


def nominations_import_file(*, file, by=None, dry_run: bool = False, progress=None) -> ImportReport:
    """Read `file` as CSV and import it; an unreadable file is reported as an error on row 1."""
    try:
        header, rows = read_csv(file)
    except ValidationError as exc:
        return ImportReport(errors=[RowError(1, "-", exc.messages[0])], dry_run=dry_run)
    return nominations_import(header=header, rows=rows, by=by, dry_run=dry_run, progress=progress)


def nominations_import(
    *,
    header: list[str],
    rows: list[list[str]],
    by=None,
    dry_run: bool = False,
    progress: Callable[[Iterable], Iterable] | None = None,
) -> ImportReport:
    """Validate every row, then create every new nomination (with history) or nothing at all.

    Rows naming a nomination that already exists are skipped, so importing a file twice
    creates no duplicates. Nothing stored is ever changed, so an import can neither move a
    decided nomination nor edit a public award; the admin does both, under the services' rules.
    `by` is the importing user (None: the system).
    """
    report = ImportReport(rows=len(rows), dry_run=dry_run)
    report.errors += [
        RowError(1, name, "Required column is missing.") for name in REQUIRED_COLUMNS if name not in header
    ]
    report.errors += [
        RowError(1, name or "(blank)", f"Unknown column; the columns are: {', '.join(COLUMNS)}.")
        for name in header
        if name not in COLUMNS
    ]
    report.errors += [
        RowError(1, name, "This column appears twice.")
        for name in sorted(set(header))
        if header.count(name) > 1
    ]
    if report.errors:
        return report
    with transaction.atomic():
        plan = _Plan(by=by, lock=not dry_run)
        for number, row in enumerate(progress(rows) if progress else rows, start=2):
            plan.check_row(number, dict(zip(header, row, strict=False)), extra=len(row) > len(header))
        plan.check_against_database()
        report.errors = sorted(plan.errors, key=lambda error: error.row)
        report.skipped = plan.skipped
        report.created = len(plan.nominations)
        report.nominees_created = len(plan.new_nominees)
        if report.errors or dry_run:
            return report
        # bulk_create returns ids (PostgreSQL, SQLite >= 3.35), which the nominations then pick up.
        Nominee.objects.bulk_create(plan.new_nominees.values(), batch_size=CHUNK)
        created = bulk_create_with_history(
            plan.nominations, Nomination, batch_size=CHUNK, default_user=by, default_change_reason="Imported"
        )
        ids = [nomination.pk for nomination in created]
        for start in range(0, len(ids), CHUNK):  # bulk_create does not call save(): the search text
            Nomination.objects.filter(pk__in=ids[start : start + CHUNK]).refresh_search_text()
    return report


class _Plan:
    """The rows checked so far and what writing them would create."""

    def __init__(self, *, by, lock: bool):
        self.by = by
        self.errors: list[RowError] = []
        self.skipped: list[int] = []
        self.programs = {program.slug: program for program in Program.objects.all()}
        self.editions = {(e.program_id, e.year): e for e in Edition.objects.all()}
        # Locked when writing (category first, as in the status service) so max_awards holds
        # against awards made while the file is checked.
        categories = Category.objects.select_for_update() if lock else Category.objects.all()
        self.categories = {(c.program_id, c.slug): c for c in categories.order_by("pk")}
        self.program_names = {program.pk: program.name for program in self.programs.values()}
        self.existing_nominees: dict[str, Nominee] = {}
        self.new_nominees: dict[str, Nominee] = {}
        self.new_nominee_rows: dict[str, int] = {}
        self.keys: dict[tuple, int] = {}  # (edition, category, nominee slug) -> row
        self.nominations: list[Nomination] = []
        self.rows_by_nomination: dict[int, int] = {}  # id(nomination) -> row
        self.pending: list[tuple[int, dict[str, str]]] = []

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))

    def check_row(self, number: int, raw: dict[str, str], *, extra: bool = False) -> None:
        row = {name: (raw.get(name) or "").strip() for name in COLUMNS}
        if extra:
            self.error(number, "-", "The row has more values than the header has columns.")
        for name in REQUIRED_COLUMNS:
            if not row[name]:
                self.error(number, name, "Required; this cell is empty.")
        for name, limit in MAX_LENGTHS.items():
            if len(row[name]) > limit:
                self.error(number, name, f"At most {limit} characters (this has {len(row[name])}).")
        if row["nominee"]:
            try:
                validate_slug(row["nominee"])
            except ValidationError:
                self.error(
                    number, "nominee", "A nominee slug uses only letters, digits, hyphens and underscores."
                )
        if row["nominee_kind"] and row["nominee_kind"] not in Nominee.Kind.values:
            self.error(number, "nominee_kind", f"Unknown kind; one of: {', '.join(Nominee.Kind.values)}.")
        if row["nominee_country"] and row["nominee_country"].upper() not in countries:
            self.error(number, "nominee_country", "Not an ISO 3166-1 alpha-2 country code (e.g. MX, GB).")
        status = row["status"] or Nomination.Status.SUBMITTED
        if status not in Nomination.Status.values:
            self.error(number, "status", f"Unknown status; one of: {', '.join(Nomination.Status.values)}.")
        elif not nomination_status_permitted(user=self.by, status=status):
            self.error(number, "status", f"Only the awards committee may import {status!r} nominations.")
        program = self.programs.get(row["program"])
        if row["program"] and program is None:
            self.error(number, "program", f"Unknown programme {row['program']!r}.")
        edition = category = None
        if program is not None and row["year"]:
            if not row["year"].isdigit():
                self.error(number, "year", "A year is a number such as 2021.")
            else:
                edition = self.editions.get((program.pk, int(row["year"])))
                if edition is None:
                    self.error(number, "year", f"{program.name} has no {row['year']} edition.")
        if program is not None and row["category"]:
            category = self.categories.get((program.pk, row["category"]))
            if category is None:
                elsewhere = [
                    self.program_names[p] for (p, slug) in self.categories if slug == row["category"]
                ]
                where = f" (it belongs to {', '.join(elsewhere)})" if elsewhere else ""
                self.error(number, "category", f"{program.name} has no category {row['category']!r}{where}.")
            elif not category.is_active:
                self.error(number, "category", f"{category.name} is inactive and takes no new nominations.")
        if edition and category and row["nominee"]:
            key = (edition.pk, category.pk, row["nominee"])
            if key in self.keys:
                self.error(
                    number,
                    "nominee",
                    f"Duplicate of row {self.keys[key]} (same edition, category and nominee).",
                )
            else:
                self.keys[key] = number
                self.pending.append(
                    (number, row | {"status": status, "_edition": edition, "_category": category})
                )

    def check_against_database(self) -> None:
        slugs = list({row["nominee"] for _, row in self.pending})
        for start in range(0, len(slugs), CHUNK):
            for nominee in Nominee.objects.filter(slug__in=slugs[start : start + CHUNK]):
                self.existing_nominees[nominee.slug] = nominee
        existing_keys = set()
        nominee_ids = [nominee.pk for nominee in self.existing_nominees.values()]
        for start in range(0, len(nominee_ids), CHUNK):
            existing_keys.update(
                Nomination.objects.filter(nominee_id__in=nominee_ids[start : start + CHUNK]).values_list(
                    "edition_id", "category_id", "nominee_id"
                )
            )
        awards = dict.fromkeys({(row["_edition"].pk, row["_category"].pk) for _, row in self.pending}, None)
        for number, row in self.pending:
            nominee = self.nominee_for(number, row)
            if nominee is None:
                continue
            edition, category = row["_edition"], row["_category"]
            if nominee.pk and (edition.pk, category.pk, nominee.pk) in existing_keys:
                self.skipped.append(number)
                continue
            if row["status"] == Nomination.Status.AWARDED and category.max_awards is not None:
                if awards[edition.pk, category.pk] is None:
                    awards[edition.pk, category.pk] = (
                        Nomination.objects.awarded().filter(edition=edition, category=category).count()
                    )
                awards[edition.pk, category.pk] += 1
                if awards[edition.pk, category.pk] > category.max_awards:
                    self.error(
                        number,
                        "status",
                        f"{category.name} would have more than {category.max_awards} award(s) in {edition}.",
                    )
            nomination = Nomination(
                edition=edition,
                category=category,
                nominee=nominee,
                status=row["status"],
                citation=row["citation"],
                justification=row["justification"],
                nominated_by=row["nominated_by"],
                created_by=self.by,
            )
            nomination.copy_edition_and_category()  # bulk_create does not call save()
            self.nominations.append(nomination)

    def nominee_for(self, number: int, row: dict) -> Nominee | None:
        """The existing nominee, or the one this file creates (defined by its first row)."""
        slug = row["nominee"]
        if slug in self.existing_nominees:
            return self.existing_nominees[slug]
        if slug in self.new_nominees:
            first = self.new_nominees[slug]
            if row["nominee_name"] and row["nominee_name"] != first.name:
                self.error(
                    number,
                    "nominee_name",
                    f"Row {self.new_nominee_rows[slug]} names new nominee {slug!r} {first.name!r}.",
                )
            return first
        if not row["nominee_name"]:
            self.error(number, "nominee_name", f"No nominee {slug!r} yet: give a name to create one.")
            return None
        try:
            slug_not_only_digits(slug)  # checked only for a new nominee: an existing one is used as is
        except ValidationError as exc:
            self.error(number, "nominee", " ".join(exc.messages))
            return None
        self.new_nominee_rows[slug] = number
        self.new_nominees[slug] = Nominee(
            slug=slug,
            name=row["nominee_name"],
            kind=row["nominee_kind"] or Nominee.Kind.PERSON,
            country=row["nominee_country"].upper(),
            title=row["nominee_title"],
        )
        return self.new_nominees[slug]
