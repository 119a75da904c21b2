"""Copy the poles' simple-history records into PoleChange (one entry per record, the fields that
differ from the record before), and set each pole's import baseline from its last import record,
so that the first re-import after this migration keeps what editors changed since."""

import datetime
from decimal import Decimal

from django.db import migrations

SKIPPED = {"id", "created_at", "updated_at", "imported_values"}
FOREIGN_KEYS = {"department": "Department", "region": "Region"}


def _fact(value):
    if isinstance(value, Decimal):
        return f"{value:.6f}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _source(reason: str) -> tuple[str, str]:
    if reason.startswith("import "):
        return "import", reason.removeprefix("import ")
    if reason.startswith("proposition n°"):
        return "proposition", reason.split(" (")[0]
    return "editeur", ""


def copy(apps, schema_editor):
    Pole = apps.get_model("poles", "Pole")
    HistoricalPole = apps.get_model("poles", "HistoricalPole")
    PoleChange = apps.get_model("poles", "PoleChange")
    codes = {
        name: dict(apps.get_model("poles", model).objects.values_list("pk", "code"))
        for name, model in FOREIGN_KEYS.items()
    }
    fields = [
        f.name for f in Pole._meta.concrete_fields if f.name not in SKIPPED
    ]

    def facts(record):
        values = {}
        for name in fields:
            if name in FOREIGN_KEYS:
                values[name] = codes[name].get(getattr(record, f"{name}_id"))
            else:
                values[name] = _fact(getattr(record, name))
        return values

    for pole in Pole.objects.all():
        previous = None
        baseline = None
        for record in HistoricalPole.objects.filter(id=pole.pk).order_by("history_date", "history_id"):
            current = facts(record)
            reason = record.history_change_reason or ""
            source, label = _source(reason)
            changes = [
                {"field": name, "before": (previous or {}).get(name), "after": value}
                for name, value in current.items()
                if (previous is None and value not in (None, "", False))
                or (previous is not None and previous.get(name) != value)
            ]
            if previous is None or changes:
                PoleChange.objects.create(
                    pole=pole,
                    created_at=record.history_date,
                    user_id=record.history_user_id,
                    source=source,
                    source_label=label[:200],
                    reason=reason[:500],
                    is_creation=previous is None,
                    changes=changes,
                )
            if source == "import":
                baseline = current
            previous = current
        if baseline is not None:
            Pole.objects.filter(pk=pole.pk).update(imported_values=baseline)


class Migration(migrations.Migration):
    dependencies = [("poles", "0019_history_of_record")]

    operations = [migrations.RunPython(copy, migrations.RunPython.noop)]
