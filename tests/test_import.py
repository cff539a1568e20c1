"""CSV import: every row checked first, errors by row and column, all or nothing, idempotent; it
never moves or edits a stored nomination or nominee, and only the committee imports decisions."""

import io
import re
import shlex
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from registry.admin.nominations import export_row
from registry.imports import COLUMNS, nominations_import_file
from registry.models import Nomination, Nominee

from .factories import CategoryFactory, EditionFactory, NominationFactory, NomineeFactory, ProgramFactory

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).resolve().parent.parent / "docs" / "samples" / "nominations.csv"


@pytest.fixture
def edition():
    """The programme, edition and categories the sample file names."""
    program = ProgramFactory(slug="example-awards", name="Example Awards")
    CategoryFactory(program=program, slug="partnership", name="Partnership")
    CategoryFactory(program=program, slug="innovation", name="Innovation", max_awards=1)
    return EditionFactory(program=program, year=2021)


def csv_file(*rows, header=COLUMNS):
    lines = [",".join(header)] + [",".join(row.get(c, "") for c in header) for row in rows]
    return io.BytesIO(("\n".join(lines) + "\n").encode())


def row(**values):
    return {"program": "example-awards", "year": "2021", "category": "partnership"} | values


def test_sample_file_imports_and_a_second_import_creates_no_duplicates(edition, staff_user):
    clerk = staff_user("clerk")
    with SAMPLE.open("rb") as handle:
        report = nominations_import_file(file=handle, by=clerk)
    assert report.ok, report.errors
    assert (report.created, report.nominees_created) == (3, 2)
    nomination = Nomination.objects.get(nominee__slug="example-task-force")
    assert nomination.status == Nomination.Status.IN_REVIEW and nomination.created_by == clerk
    assert nomination.history.get().history_user == clerk  # bulk writes keep history
    with SAMPLE.open("rb") as handle:
        again = nominations_import_file(file=handle, by=clerk)
    assert (again.created, again.skipped) == (0, [2, 3, 4])
    assert Nomination.objects.count() == 3 and Nominee.objects.count() == 2


def test_dry_run_reports_but_writes_nothing(edition):
    with SAMPLE.open("rb") as handle:
        report = nominations_import_file(file=handle, dry_run=True)
    assert report.ok and report.created == 3
    assert not Nomination.objects.exists() and not Nominee.objects.exists()


@pytest.mark.parametrize(
    ("values", "column", "message"),
    [
        ({"program": "nope"}, "program", "Unknown programme"),
        ({"year": "1999"}, "year", "has no 1999 edition"),
        ({"year": "20x1"}, "year", "a number"),
        ({"category": "unknown"}, "category", "has no category"),
        ({"nominee_country": "XX"}, "nominee_country", "ISO 3166-1"),
        ({"status": "approved"}, "status", "Unknown status"),
        ({"nominee": "new-person", "nominee_name": ""}, "nominee_name", "give a name"),
        ({"nominee": "not a slug"}, "nominee", "slug"),
        ({"nominee": "12345", "nominee_name": "Digits"}, "nominee", "A slug cannot be only digits"),
        ({"nominee_kind": "robot"}, "nominee_kind", "Unknown kind"),
    ],
)
def test_bad_row_is_reported_by_row_and_column(edition, values, column, message):
    good = row(nominee="good-one", nominee_name="Good One")
    bad = row(nominee="someone", nominee_name="Someone") | values
    report = nominations_import_file(file=csv_file(good, bad))
    assert [(e.row, e.column) for e in report.errors] == [(3, column)]
    assert message in report.errors[0].message
    assert not Nomination.objects.exists() and not Nominee.objects.exists()


def test_category_of_another_programme_is_named(edition):
    CategoryFactory(slug="elsewhere", program=ProgramFactory(name="Other Awards"))
    report = nominations_import_file(file=csv_file(row(category="elsewhere", nominee="x", nominee_name="X")))
    assert "belongs to Other Awards" in report.errors[0].message


def test_duplicate_within_the_file_names_the_first_row(edition):
    same = row(nominee="twice", nominee_name="Twice")
    report = nominations_import_file(file=csv_file(same, same))
    assert [str(e) for e in report.errors] == [
        "Row 3, column nominee: Duplicate of row 2 (same edition, category and nominee)."
    ]


def test_clerk_may_not_import_decisions_but_the_committee_may(edition, staff_user):
    awarded = csv_file(row(nominee="x", nominee_name="X", status="awarded"))
    report = nominations_import_file(file=awarded, by=staff_user("clerk"))
    assert report.errors[0].column == "status" and "awards committee" in report.errors[0].message
    awarded.seek(0)
    assert nominations_import_file(file=awarded, by=staff_user("committee")).ok


@pytest.mark.parametrize("status", ["shortlisted", "awarded", "not_selected"])
@pytest.mark.parametrize(("role", "may"), [("clerk", False), ("editor", False), ("committee", True)])
def test_only_the_committee_imports_a_decision(edition, staff_user, role, may, status):
    report = nominations_import_file(
        file=csv_file(row(nominee="x", nominee_name="X", status=status)), by=staff_user(role)
    )
    assert report.ok == may
    if not may:
        assert [(e.row, e.column) for e in report.errors] == [(2, "status")]
    assert Nomination.objects.filter(status=status).exists() == may


def test_a_row_never_moves_a_decided_nomination(edition, staff_user):
    award = NominationFactory(
        edition=edition, category=edition.program.categories.get(slug="partnership"), status="awarded"
    )
    # Rows are identified by edition, category and nominee: another category is another nomination.
    report = nominations_import_file(
        file=csv_file(row(category="innovation", nominee=award.nominee.slug)), by=staff_user("clerk")
    )
    assert report.ok and report.created == 1
    award.refresh_from_db()
    assert (award.category.slug, award.status) == ("partnership", "awarded")
    assert Nomination.objects.get(category__slug="innovation").status == Nomination.Status.SUBMITTED


@pytest.mark.parametrize("role", ["clerk", "committee", None])
def test_a_row_naming_a_public_award_changes_neither_it_nor_its_recipient(edition, staff_user, role):
    award = NominationFactory(
        edition=edition,
        category=edition.program.categories.get(slug="partnership"),
        status="awarded",
        citation="As published.",
        nominee__name="Ada Example",
    )
    assert Nomination.objects.public().get() == award
    rewritten = row(
        nominee=award.nominee.slug, nominee_name="Someone Else", nominee_title="Dr", citation="Rewritten."
    )
    report = nominations_import_file(file=csv_file(rewritten), by=staff_user(role) if role else None)
    assert report.ok and (report.created, report.skipped) == (0, [2])
    award.refresh_from_db()
    assert (award.citation, award.nominee.name, award.nominee.title) == ("As published.", "Ada Example", "")


def test_committee_reimporting_an_export_of_decisions_is_idempotent(edition, staff_user):
    partnership = edition.program.categories.get(slug="partnership")
    for status in ["shortlisted", "awarded", "not_selected"]:
        NominationFactory(edition=edition, category=partnership, status=status)
    nominations = Nomination.objects.select_related("edition__program", "category", "nominee")
    exported = csv_file(
        *({c: str(v) for c, v in zip(COLUMNS, export_row(n), strict=True)} for n in nominations)
    )
    before = list(Nomination.objects.values_list("edition", "category", "nominee", "status", "citation"))
    for by in [staff_user("committee"), None]:  # the admin's import, then the command's
        exported.seek(0)
        report = nominations_import_file(file=exported, by=by)
        assert report.ok and (report.created, report.skipped) == (0, [2, 3, 4])
    assert (
        list(Nomination.objects.values_list("edition", "category", "nominee", "status", "citation")) == before
    )


def test_awards_beyond_max_awards_are_refused(edition):
    NominationFactory(
        edition=edition, category=edition.program.categories.get(slug="innovation"), status="awarded"
    )
    report = nominations_import_file(
        file=csv_file(row(category="innovation", nominee="y", nominee_name="Y", status="awarded"))
    )
    assert report.errors[0].column == "status" and "more than 1 award" in report.errors[0].message


def test_existing_nominee_is_reused(edition):
    NomineeFactory(slug="known", name="Known Person")
    report = nominations_import_file(file=csv_file(row(nominee="known")))
    assert report.ok and report.nominees_created == 0
    assert Nomination.objects.get().nominee.name == "Known Person"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00bad", "not UTF-8"),
        (b"program,year\n", "Required column"),
        (b"program,year,category,nominee,colour\n", "Unknown column"),
        (b"program,year,category,nominee,status,status\n", "appears twice"),
    ],
)
def test_unreadable_file_or_header_is_reported_on_row_one(edition, content, message):
    report = nominations_import_file(file=io.BytesIO(content))
    assert report.errors[0].row == 1 and message in report.errors[0].message


def test_five_thousand_rows_with_one_bad_row_write_nothing_and_name_the_row(edition):
    rows = [row(nominee=f"person-{n}", nominee_name=f"Person {n}") for n in range(5000)]
    rows[3456]["nominee_country"] = "ZZ"
    report = nominations_import_file(file=csv_file(*rows))
    assert [(e.row, e.column) for e in report.errors] == [(3458, "nominee_country")]
    assert not Nomination.objects.exists() and not Nominee.objects.exists()


class TestCommand:
    def test_command_imports_the_sample(self, edition, capsys):
        call_command("import_nominations", str(SAMPLE), "--no-progress")
        assert "created 3 nominations" in capsys.readouterr().out
        assert Nomination.objects.count() == 3

    def test_command_dry_run_writes_nothing(self, edition, capsys):
        call_command("import_nominations", str(SAMPLE), "--dry-run", "--no-progress")
        assert "would create 3" in capsys.readouterr().out
        assert not Nomination.objects.exists()

    def test_command_fails_naming_the_bad_row(self, edition, tmp_path, capsys):
        path = tmp_path / "bad.csv"
        path.write_bytes(csv_file(row(nominee="x", nominee_name="X", status="nope")).getvalue())
        with pytest.raises(CommandError, match="nothing was imported"):
            call_command("import_nominations", str(path), "--no-progress")
        assert "Row 2, column status" in capsys.readouterr().err

    def test_missing_file_is_a_clear_error(self, tmp_path):
        with pytest.raises(CommandError, match="Cannot read"):
            call_command("import_nominations", str(tmp_path / "missing.csv"))


class TestAdminImport:
    url = reverse("admin:registry_nomination_import")

    def test_clerk_imports_through_the_admin_after_a_dry_run(self, edition, staff_client):
        client = staff_client("clerk")
        with SAMPLE.open("rb") as handle:
            response = client.post(self.url, {"file": handle, "dry_run": "on"})
        assert "Dry run: nothing written" in response.content.decode() and not Nomination.objects.exists()
        with SAMPLE.open("rb") as handle:
            response = client.post(self.url, {"file": handle})
        assert "Imported" in response.content.decode()
        assert Nomination.objects.count() == 3

    def test_errors_are_listed_by_row_and_column(self, edition, admin_client):
        bad = csv_file(row(nominee="x", nominee_name="X", nominee_country="ZZ"))
        bad.name = "bad.csv"
        page = admin_client.post(self.url, {"file": bad}).content.decode()
        assert "Not imported" in page and "<td>2</td><td>nominee_country</td>" in page

    @pytest.mark.parametrize("role", ["editor", "committee"])
    def test_roles_that_do_not_enter_nominations_may_not_import(self, edition, staff_client, role):
        client = staff_client(role)
        with SAMPLE.open("rb") as handle:
            assert client.post(self.url, {"file": handle}).status_code == 403
        assert not Nomination.objects.exists()


def test_the_documented_sample_imports_cleanly_into_the_demo_data(capsys, monkeypatch):
    """Each `manage.py` line of docs/import.md's sample block, run as written, on a fresh database."""
    monkeypatch.chdir(SAMPLE.parent.parent.parent)  # the checkout, where the docs' paths start
    docs = (SAMPLE.parent.parent / "import.md").read_text(encoding="utf-8")
    [block] = [b for b in re.findall(r"```sh\n(.*?)```", docs, re.S) if "import_nominations" in b]
    commands = [shlex.split(line.split("manage.py", 1)[1]) for line in block.splitlines()]
    assert [c[0] for c in commands] == ["migrate", "load_demo", "import_nominations", "import_nominations"]

    for name, *args in commands:
        call_command(name, *args, "--no-progress" if name == "import_nominations" else "--verbosity=0")

    out, err = capsys.readouterr()
    assert err == ""
    assert "3 rows: would create 3 nominations and 2 new nominees" in out
    assert "3 rows: created 3 nominations and 2 new nominees" in out
    imported = Nomination.objects.filter(edition__program__slug="example-awards", edition__year=2021)
    assert imported.count() == 3
    assert not imported.public().exists()  # an unpublished edition: nothing shows on the site
