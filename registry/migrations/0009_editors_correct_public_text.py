"""Editors may open nominations and nominees, to correct what the public reads of a public award.

Once an award is public, its citation, achievements and presentation, and its recipient's name
and title, are changed only by a user who may publish results (registry/services.py); the Editor
role could not open those forms at all. Deciding stays the committee's (`decide_nomination`).
"""

from django.db import migrations

EDITOR_CORRECTS = [
    "change_nomination",
    "change_nominee",
    "add_achievement",
    "change_achievement",
    "delete_achievement",
    "add_presentation",
    "change_presentation",
    "delete_presentation",
]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="registry", codename__in=EDITOR_CORRECTS)
    assert permissions.count() == len(EDITOR_CORRECTS), "missing permissions"
    for group in Group.objects.filter(name="Editor"):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="registry", codename__in=EDITOR_CORRECTS)
    for group in Group.objects.filter(name="Editor"):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [("registry", "0008_url_schemes")]

    operations = [migrations.RunPython(grant, revoke)]
