"""Staff roles as groups with exact permissions (SPEC §4, docs/admin.md), and admin search indexes.

Idempotent: running it again (or re-applying after a group was edited by hand) resets each
role to exactly the permissions below. The list is frozen here on purpose, as migrations are.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REGISTRY_MODELS = [
    "organization",
    "program",
    "category",
    "edition",
    "nominee",
    "nomination",
    "achievement",
    "ceremony",
    "presentation",
    "announcement",
]
VIEW_ALL = [f"view_{model}" for model in REGISTRY_MODELS]

ROLES = {
    # Enters nominees and nominations; may send them to review or withdraw them. No deciding, no publishing.
    "Nomination clerk": VIEW_ALL
    + [
        "add_organization",
        "change_organization",
        "add_nominee",
        "change_nominee",
        "add_nomination",
        "change_nomination",
        "add_achievement",
        "change_achievement",
        "delete_achievement",
    ],
    # Decides: shortlists, awards, does not select; edits citations and presentations.
    "Awards committee": VIEW_ALL
    + [
        "change_nomination",
        "decide_nomination",
        "add_achievement",
        "change_achievement",
        "delete_achievement",
        "add_presentation",
        "change_presentation",
        "delete_presentation",
    ],
    # Runs programmes, editions, ceremonies and news, and publishes results and announcements.
    "Editor": VIEW_ALL
    + [
        "add_organization",
        "change_organization",
        "add_program",
        "change_program",
        "add_category",
        "change_category",
        "add_edition",
        "change_edition",
        "publish_edition",
        "add_ceremony",
        "change_ceremony",
        "delete_ceremony",
        "add_announcement",
        "change_announcement",
        "delete_announcement",
        "publish_announcement",
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations run; create them now so the groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(content_type__app_label="registry", codename__in=codenames)
        assert permissions.count() == len(codenames), f"missing permissions for {name}"
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


# Admin search and sort at 500,000 nominations (docs/performance.md). PostgreSQL only: SQLite
# has no trigram indexes and is not meant for that size. The expressions match the SQL Django
# writes for `icontains` (UPPER(col::text) LIKE UPPER(%s)), so the planner can use them.
SEARCH_INDEXES = {
    "registry_nominee_name_trgm": "registry_nominee USING gin (UPPER(name::text) gin_trgm_ops)",
    "registry_nominee_title_trgm": "registry_nominee USING gin (UPPER(title::text) gin_trgm_ops)",
    "registry_organization_name_trgm": "registry_organization USING gin (UPPER(name::text) gin_trgm_ops)",
    "registry_nominee_name_id": "registry_nominee (name, id)",
    # Counts of a status filter (with a year or programme: edition ids) read the index alone.
    "registry_nomination_status_edition": "registry_nomination (status, edition_id)",
}


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in SEARCH_INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in SEARCH_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_search"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="announcement",
            options={
                "ordering": ["-published_at", "-id"],
                "permissions": [("publish_announcement", "Can publish or schedule an announcement")],
            },
        ),
        migrations.AlterModelOptions(
            name="edition",
            options={
                "ordering": ["program", "-year", "id"],
                "permissions": [("publish_edition", "Can publish or schedule an edition's results")],
            },
        ),
        migrations.AlterModelOptions(
            name="nomination",
            options={
                "ordering": ["id"],
                "permissions": [("decide_nomination", "Can shortlist, award or not select a nomination")],
            },
        ),
        migrations.RunPython(create_roles, remove_roles),
        migrations.RunPython(create_search_indexes, drop_search_indexes),
    ]
