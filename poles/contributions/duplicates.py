"""Is a proposed pole one the directory has already? Same place (the commune, or within 10 km
of it) and a similar name, articles, accents, case and "PTCE" ignored."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from poles.db_functions import fold
from poles.models import Pole
from poles.territories.models import Commune, search_key
from poles.territories.selectors import poles_by_distance

NEARBY_KM = 10
# Words that say nothing of which pole it is.
NOISE = re.compile(r"\b(ptce|pole|poles|territorial|territoriaux|de|du|des|d|la|le|les|l|et)\b")
SIMILAR = 0.8


def name_key(name: str) -> str:
    words = re.sub(r"[^\w]+", " ", fold(name))
    return " ".join(NOISE.sub(" ", words).split())


def names_similar(first: str, second: str) -> bool:
    a, b = name_key(first), name_key(second)
    if not a or not b:
        return False
    if a == b or (min(len(a), len(b)) >= 5 and (a in b or b in a)):
        return True
    return SequenceMatcher(None, a, b).ratio() >= SIMILAR


def poles_similar(*, name: str, commune: str = "", department_code: str = "") -> list[Pole]:
    """The published poles that may be the one proposed: in the same commune or within
    NEARBY_KM of it, with a similar name."""
    if not name_key(name) or not commune.strip():
        return []
    places = Commune.objects.filter(search_name=search_key(commune))
    if department_code:
        places = places.filter(department__code=department_code)
    candidates = list(
        Pole.objects.published().filter(commune__iexact=commune.strip()).only("name", "slug")
    )
    for place in places.exclude(latitude__isnull=True)[:5]:
        near = poles_by_distance(latitude=float(place.latitude), longitude=float(place.longitude),
                                 poles=Pole.objects.published().located())  # fmt: skip
        candidates += list(near.filter(distance__lte=NEARBY_KM)[:50])
    seen, similar = set(), []
    for pole in candidates:
        if pole.pk not in seen and names_similar(name, pole.name):
            seen.add(pole.pk)
            similar.append(pole)
    return similar
