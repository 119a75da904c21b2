from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("poles", "0016_proposal_language")]

    operations = [
        migrations.AddField(
            model_name="statecall",
            name="laureate_count",
            field=models.PositiveSmallIntegerField(
                blank=True, help_text="Vide : inconnu.", null=True, verbose_name="nombre de lauréats"
            ),
        ),
    ]
