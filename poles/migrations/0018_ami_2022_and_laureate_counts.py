"""The number of laureates of each State call, and the AMI 2022 ("saison 3") the data now names.

(Data only: on PostgreSQL a table cannot be altered in the transaction that wrote its rows.)

Figures from ../shared/data/SOURCES.md (the calls' published results): 23 laureates in 2013,
14 in 2015, 15 for the AMI 2021 phase 2, 16 for the AMI 2022, 15 for 2023 and 2024; the AMI
2021 phase 1 count is not published (left unknown).
"""

from django.db import migrations

LAUREATES = {
    "aap-2013": 23,
    "aap-2015": 14,
    "ami-2021": 15,
    "ami-2022": 16,
    "ami-2023": 15,
    "ami-2024": 15,
}
AMI_2022 = dict(
    code="ami-2022",
    programme="ami",
    year=2022,
    phase="phase 2 « saison 3 »",
    label="AMI « PTCE émergents » 2022, phase 2 « saison 3 »",
)


def load(apps, schema_editor):
    StateCall = apps.get_model("poles", "StateCall")
    StateCall.objects.get_or_create(code=AMI_2022["code"], defaults=AMI_2022)
    for code, count in LAUREATES.items():
        StateCall.objects.filter(code=code).update(laureate_count=count)


def unload(apps, schema_editor):
    apps.get_model("poles", "StateCall").objects.filter(code=AMI_2022["code"]).delete()


class Migration(migrations.Migration):
    dependencies = [("poles", "0017_statecall_laureate_count")]

    operations = [
        migrations.RunPython(load, unload),
    ]
