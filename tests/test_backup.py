"""Backup round trip: dumpdata, a fresh database, loaddata, and nothing is lost."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.test import override_settings

from registry.models import Announcement, Ceremony, Nomination, Nominee
from registry.services import nomination_change_status
from tests.factories import AchievementFactory, AnnouncementFactory, NominationFactory, PresentationFactory

pytestmark = pytest.mark.django_db(transaction=True)  # flush needs real commits on PostgreSQL

# As docs/deploy.md says: content types and permissions are rebuilt by migrate, sessions are
# disposable, and the data version is each database's own; natural keys keep references to them
# valid in the new database. XML, because the JSON serialiser cuts timestamps to milliseconds.
DUMP_OPTIONS = {
    "format": "xml",
    "natural_foreign": True,
    "natural_primary": True,
    "exclude": ["contenttypes", "auth.permission", "sessions", "registry.dataversion"],
}


def dump(path) -> str:
    call_command("dumpdata", output=str(path), verbosity=0, **DUMP_OPTIONS)
    return path.read_text()


def public_view(client) -> dict:
    """What the public can see: the API's award list, and the public querysets field by field."""
    return {
        "api": client.get("/api/v1/awards/?page_size=100").json(),
        "awards": [
            {
                **model_to_dict(award),
                "achievements": [model_to_dict(a) for a in award.achievements.all()],
                "presentation": model_to_dict(award.presentation) if hasattr(award, "presentation") else None,
            }
            for award in Nomination.objects.public()
            .prefetch_related("achievements")
            .select_related("presentation")
        ],
        "recipients": [model_to_dict(n, exclude=["photo"]) for n in Nominee.objects.recipients()],
        "ceremonies": [model_to_dict(c) for c in Ceremony.objects.public()],
        "news": [model_to_dict(a) for a in Announcement.objects.published()],
    }


def test_dumpdata_into_a_fresh_database_and_loaddata_loses_nothing(client, tmp_path, django_user_model):
    call_command("generate_data", awards=40, verbosity=0)
    editor = django_user_model.objects.create_user("editor", password="pw")
    award = PresentationFactory().nomination
    AchievementFactory(nomination=award)
    nomination_change_status(nomination=NominationFactory(), status="in_review", by=editor)  # history
    AnnouncementFactory().related_awards.add(award)
    before, public_before = dump(tmp_path / "before.xml"), public_view(client)

    call_command("flush", interactive=False, verbosity=0)  # a freshly migrated, empty database
    assert not Nomination.objects.exists()
    # As docs/deploy.md says: history comes from the dump, so the restore must not add any.
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        call_command("loaddata", str(tmp_path / "before.xml"), verbosity=0)
    cache.clear()  # answer from the restored rows, not from a response cached before the flush

    assert dump(tmp_path / "after.xml") == before
    assert public_view(client) == public_before
    assert Nomination.history.filter(status="in_review").exists()
    assert NominationFactory().pk > max(n.pk for n in Nomination.objects.exclude(status="submitted"))
