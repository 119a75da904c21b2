"""Clear any stored address that is not a web page (http or https).

Model validators now refuse javascript:, data: and other schemes whatever writes the data; this
reports and clears what an earlier path (shell, loaddata) may have stored before them.
"""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import migrations

_web_url = URLValidator(schemes=["http", "https"])


def _is_web_url(value: str) -> bool:
    try:
        _web_url(value)
    except ValidationError:
        return False
    return True


def clear_non_web_addresses(apps, schema_editor):
    Pole = apps.get_model("poles", "Pole")
    Member = apps.get_model("poles", "Member")
    cleared = []
    for pole in Pole.objects.exclude(website="", sources=""):
        changed = []
        if pole.website and not _is_web_url(pole.website):
            changed.append(f"site web {pole.website[:60]!r}")
            pole.website = ""
        kept = [url for url in pole.sources.split() if _is_web_url(url)]
        dropped = [url for url in pole.sources.split() if not _is_web_url(url)]
        if dropped:
            changed.append("sources " + ", ".join(repr(url[:60]) for url in dropped))
            pole.sources = "\n".join(kept)
        if changed:
            pole.save(update_fields=["website", "sources"])
            cleared.append(f"pôle {pole.pk} ({pole.name}) : " + " ; ".join(changed))
    for member in Member.objects.exclude(website=""):
        if not _is_web_url(member.website):
            cleared.append(f"membre {member.pk} ({member.name}) : site web {member.website[:60]!r}")
            member.website = ""
            member.save(update_fields=["website"])
    for line in cleared:
        print(f"  Adresse effacée (ni http ni https) : {line}")


class Migration(migrations.Migration):
    dependencies = [("poles", "0009_web_url_validators")]

    operations = [
        migrations.RunPython(clear_non_web_addresses, migrations.RunPython.noop),
    ]
