import pytest


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Each test starts with an empty cache, so no response leaks between tests, and reads the
    public state afresh on every request (tests that exercise its reuse set the TTL)."""
    from django.core.cache import cache

    settings.API_VALIDATOR_TTL = 0
    cache.clear()
    yield
    cache.clear()


# --- Staff roles (issue 6): users in the groups created by migration 0003_roles ------------
ROLES = {"clerk": "Nomination clerk", "committee": "Awards committee", "editor": "Editor"}


@pytest.fixture
def staff_user(db, django_user_model):
    """`staff_user("clerk")`: a new staff user whose only rights come from the role's group."""
    from django.contrib.auth.models import Group

    def make(role: str):
        user = django_user_model.objects.create_user(username=role, password="pw", is_staff=True)
        user.groups.add(Group.objects.get(name=ROLES[role]))
        return user

    return make


@pytest.fixture
def staff_client(client, staff_user):
    """`staff_client("editor")`: the test client logged in as a new user of that role."""

    def make(role: str):
        client.force_login(staff_user(role))
        return client

    return make
