"""Every pole's search documents (and vector, on PostgreSQL), as the write service keeps them."""

from django.db import migrations

from poles.search import poles_search_refresh


def fill(apps, schema_editor):
    Pole = apps.get_model("poles", "Pole")
    poles_search_refresh(model=Pole, pole_ids=Pole.objects.values_list("pk", flat=True))


class Migration(migrations.Migration):
    dependencies = [("poles", "0022_search_documents")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
