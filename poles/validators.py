"""Validators for the identifiers and places an editor or an import may enter."""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

# La Poste's establishments share one SIREN and follow another checksum rule (INSEE).
LA_POSTE_SIREN = "356000000"

commune_insee_validator = RegexValidator(
    regex=r"^(?:\d{5}|2[AB]\d{3})$",
    message="Le code INSEE d'une commune compte 5 caractères (ex. 44109, 2A004).",
)


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def validate_siren_or_siret(value: str) -> None:
    """A SIREN (9 digits) or a SIRET (14 digits) whose check digit is right."""
    compact = re.sub(r"\s", "", value)
    if not compact.isdigit() or len(compact) not in (9, 14):
        raise ValidationError(
            "Un SIREN compte 9 chiffres et un SIRET 14 chiffres.", code="siret_format"
        )
    if len(compact) == 14 and compact.startswith(LA_POSTE_SIREN):
        valid = sum(int(c) for c in compact) % 5 == 0
    else:
        valid = luhn_is_valid(compact) and (len(compact) == 9 or luhn_is_valid(compact[:9]))
    if not valid:
        raise ValidationError(
            "Ce numéro SIREN ou SIRET n'est pas valide (clé de contrôle).", code="siret_checksum"
        )


def validate_siret(value: str) -> None:
    compact = re.sub(r"\s", "", value)
    if len(compact) != 14:
        raise ValidationError("Un SIRET compte 14 chiffres.", code="siret_format")
    validate_siren_or_siret(compact)


# Bounding boxes of France: metropolitan (with Corsica) and the five overseas departments.
# (south, west, north, east) in WGS84 degrees, with a small margin for coastal points.
FRANCE_BOXES: dict[str, tuple[float, float, float, float]] = {
    "France métropolitaine": (41.0, -5.6, 51.3, 10.0),
    "Guadeloupe": (15.8, -61.9, 16.6, -60.9),
    "Martinique": (14.3, -61.3, 14.95, -60.75),
    "Guyane": (2.0, -54.7, 5.9, -51.5),
    "La Réunion": (-21.45, 55.15, -20.8, 55.9),
    "Mayotte": (-13.1, 44.9, -12.55, 45.35),
}


def is_in_france(latitude: float | Decimal, longitude: float | Decimal) -> bool:
    lat, lon = float(latitude), float(longitude)
    return any(s <= lat <= n and w <= lon <= e for s, w, n, e in FRANCE_BOXES.values())


def validate_point_in_france(latitude: float | Decimal, longitude: float | Decimal) -> None:
    if not is_in_france(latitude, longitude):
        raise ValidationError(
            "Le point (%(lat)s, %(lon)s) est hors de France (métropole et départements "
            "d'outre-mer). Vérifiez l'ordre latitude / longitude.",
            code="point_outside_france",
            params={"lat": latitude, "lon": longitude},
        )
