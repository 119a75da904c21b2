"""The words search's documents (poles.search); on PostgreSQL, a French text search
configuration that ignores accents and a GIN index on the weighted vector. 0023 fills them."""

import django.contrib.postgres.search
from django.db import migrations, models

# The configuration poles.search.CONFIG names.
CREATE_CONFIG = """
CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
ALTER TEXT SEARCH CONFIGURATION french_unaccent
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
"""


def create_search_objects(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = "
        "'french_unaccent') THEN " + CREATE_CONFIG.replace("\n", " ") + " END IF; END $$;"
    )
    schema_editor.execute(
        "CREATE INDEX pole_search_vector ON poles_pole USING gin (search_vector)"
    )


def drop_search_objects(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS pole_search_vector")
    schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent")


class Migration(migrations.Migration):

    dependencies = [
        ('poles', '0021_drop_simple_history_of_poles'),
    ]

    operations = [
        migrations.AddField(
            model_name='pole',
            name='search_names',
            field=models.TextField(blank=True, default='', editable=False),
        ),
        migrations.AddField(
            model_name='pole',
            name='search_text',
            field=models.TextField(blank=True, default='', editable=False),
        ),
        migrations.AddField(
            model_name='pole',
            name='search_topics',
            field=models.TextField(blank=True, default='', editable=False),
        ),
        migrations.AddField(
            model_name='pole',
            name='search_vector',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create_search_objects, drop_search_objects),
    ]
