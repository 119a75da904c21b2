"""Fails when the English catalogues are stale or incomplete (run by `make check`).

Stale: the marked strings of the code (templates, Python, JavaScript) differ from the msgids of
locale/en/; incomplete: an entry without its translation, or still marked fuzzy.
"""

from __future__ import annotations

from pathlib import Path

import polib
from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command

DOMAINS = ("django", "djangojs")
IGNORED = [".venv", "node_modules", "bench-results", "staticfiles", "tests", "screenshots"]


def catalogue(language: str, domain: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / f"{domain}.po"


def _msgids(pofile: polib.POFile) -> set[tuple[str | None, str]]:
    return {(e.msgctxt, e.msgid) for e in pofile if not e.obsolete}


# French is the language of the code's own texts: its catalogue holds only the plural forms, so
# that "0 pôle" is singular as in French (gettext's default rule is English's, n != 1).
FRENCH_PLURAL_FORMS = "nplurals=2; plural=(n > 1);"


def french_plurals(domain: str) -> polib.POFile:
    """The French catalogue of a domain: each plural entry of the English one, as written."""
    french = polib.POFile(wrapwidth=0)
    french.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": "fr",
        "Plural-Forms": FRENCH_PLURAL_FORMS,
    }
    for entry in polib.pofile(str(catalogue("en", domain))):
        if entry.msgid_plural and not entry.obsolete:
            french.append(polib.POEntry(
                msgctxt=entry.msgctxt, msgid=entry.msgid, msgid_plural=entry.msgid_plural,
                msgstr_plural={0: entry.msgid, 1: entry.msgid_plural},
            ))  # fmt: skip
    return french


def french_problems() -> list[str]:
    found = []
    for domain in DOMAINS:
        path = catalogue("fr", domain)
        expected = str(french_plurals(domain))
        if not path.exists() or path.read_text() != expected:
            found.append(f"{path} n'est pas à jour : lancez make messages.")
    return found


def problems(language: str = "en") -> list[str]:
    """What makemessages would change, and what lacks a translation; the files are left as they
    were (makemessages writes into the project's locale/ whatever it is told)."""
    found = []
    for domain in DOMAINS:
        path = catalogue(language, domain)
        if not path.exists():
            found.append(f"{path} manque : lancez make messages.")
            continue
        kept_bytes = path.read_bytes()
        kept = polib.pofile(kept_bytes.decode())
        try:
            call_command("makemessages", locale=[language], domain=domain, no_location=True,
                         ignore_patterns=IGNORED, verbosity=0)  # fmt: skip
            marked = _msgids(polib.pofile(path.read_text()))
        finally:
            path.write_bytes(kept_bytes)
        found += [f"{domain} : « {m} » est marqué dans le code mais absent du catalogue."
                  for _c, m in sorted(marked - _msgids(kept), key=str)]  # fmt: skip
        found += [f"{domain} : « {m} » est au catalogue mais plus dans le code."
                  for _c, m in sorted(_msgids(kept) - marked, key=str)]  # fmt: skip
        for entry in kept:
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                found.append(f"{domain} : « {entry.msgid} » est à revoir (fuzzy).")
            elif not entry.translated():
                found.append(f"{domain} : « {entry.msgid} » n'a pas de traduction.")
    return found


class Command(BaseCommand):
    help = "Vérifie que les catalogues anglais sont à jour et complets."

    def add_arguments(self, parser):
        parser.add_argument("--write-french", action="store_true",
                            help="Écrit les pluriels français (make messages).")  # fmt: skip

    def handle(self, *args, write_french=False, **options):
        if write_french:
            for domain in DOMAINS:
                path = catalogue("fr", domain)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(str(french_plurals(domain)))
            return
        found = problems() + french_problems()
        if found:
            raise CommandError("Traductions à mettre à jour (make messages) :\n" + "\n".join(found))
        self.stdout.write("Traductions anglaises complètes et à jour.")
