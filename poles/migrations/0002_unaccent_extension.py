"""PostgreSQL's unaccent extension, for accent-insensitive search (SQLite gets a Python twin)."""

from django.db import migrations


def create_extension(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


def keep_extension(apps, schema_editor):
    # Other database objects may rely on the extension: leave it in place when going back.
    pass


class Migration(migrations.Migration):
    dependencies = [("poles", "0001_initial")]

    operations = [migrations.RunPython(create_extension, keep_extension)]
