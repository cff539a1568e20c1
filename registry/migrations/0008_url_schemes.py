"""Stored URLs must be web addresses (http or https): a named check constraint per URL field.

Rows saved before outside the admin's forms (the shell, a script, loaddata) may hold a
`javascript:` or other URL. They are blanked first, in the same transaction, so that the
constraints can be added and no such link is left; `updated_at` moves with the change, as on
any edit.
"""

from django.db import migrations, models
from django.db.models import Q
from django.db.models.functions import Now

# (model, field): every URL the site links to.
URL_FIELDS = [("Organization", "website"), ("Program", "website"), ("Announcement", "source_url")]


def blank_other_schemes(apps, schema_editor):
    # The condition of the constraints below, written out: a migration keeps its own copy.
    for model_name, field in URL_FIELDS:
        web_url = Q(**{field: ""}) | Q(**{f"{field}__istartswith": "http://"}) | Q(
            **{f"{field}__istartswith": "https://"}
        )
        model = apps.get_model("registry", model_name)
        model.objects.exclude(web_url).update(**{field: "", "updated_at": Now()})
    if schema_editor.connection.vendor == "postgresql":
        # The writes' deferred triggers (registry/public_state.py) run now: PostgreSQL alters no
        # table with trigger events still pending, as the constraints below do.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0007_data_version'),
    ]

    operations = [
        migrations.RunPython(blank_other_schemes, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='announcement',
            constraint=models.CheckConstraint(condition=models.Q(('source_url', ''), ('source_url__istartswith', 'http://'), ('source_url__istartswith', 'https://'), _connector='OR'), name='announcement_source_url_http_or_https', violation_error_message='The source URL must start with http:// or https://.'),
        ),
        migrations.AddConstraint(
            model_name='organization',
            constraint=models.CheckConstraint(condition=models.Q(('website', ''), ('website__istartswith', 'http://'), ('website__istartswith', 'https://'), _connector='OR'), name='organization_website_http_or_https', violation_error_message='The website must start with http:// or https://.'),
        ),
        migrations.AddConstraint(
            model_name='program',
            constraint=models.CheckConstraint(condition=models.Q(('website', ''), ('website__istartswith', 'http://'), ('website__istartswith', 'https://'), _connector='OR'), name='program_website_http_or_https', violation_error_message='The website must start with http:// or https://.'),
        ),
    ]
