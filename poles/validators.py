"""Validators for the identifiers, addresses and places that any writer may enter.

They sit on the model fields, so the admin, the importer, a shell session and the coming
contribution forms all apply the same rules.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from stdnum import exceptions as stdnum_errors
from stdnum.fr import siren, siret

commune_insee_validator = RegexValidator(
    regex=r"^(?:\d{5}|2[AB]\d{3})$",
    message="Le code INSEE d'une commune compte 5 caractères (ex. 44109, 2A004).",
)

# Only web pages become links: never javascript:, data: or ftp: addresses.
WEB_SCHEMES = ("http", "https")
_web_url = URLValidator(schemes=list(WEB_SCHEMES))


def is_web_url(value: str) -> bool:
    try:
        _web_url(value)
    except ValidationError:
        return False
    return True


def validate_web_url(value: str) -> None:
    if value and not is_web_url(value):
        raise ValidationError(
            "« %(url)s » n'est pas une adresse web valide (http:// ou https://).",
            code="web_url",
            params={"url": value[:80]},
        )


def validate_source_urls(value: str) -> None:
    """Sources: web addresses separated by spaces or line breaks."""
    bad = [url for url in value.split() if not is_web_url(url)]
    if bad:
        raise ValidationError(
            "Adresses web invalides (http:// ou https:// attendu) : %(bad)s",
            code="source_urls",
            params={"bad": ", ".join(url[:80] for url in bad)},
        )


def validate_siren_or_siret(value: str) -> None:
    """A SIREN (9 digits) or a SIRET (14 digits) whose check digit is right.

    python-stdnum knows the INSEE rules, La Poste's establishments included.
    """
    compact = siren.compact(value)
    if not compact.isdigit() or len(compact) not in (9, 14):
        raise ValidationError(
            "Un SIREN compte 9 chiffres et un SIRET 14 chiffres.", code="siret_format"
        )
    module = siren if len(compact) == 9 else siret
    try:
        module.validate(compact)
    except stdnum_errors.ValidationError as error:
        raise ValidationError(
            "Ce numéro SIREN ou SIRET n'est pas valide (clé de contrôle).", code="siret_checksum"
        ) from error


def validate_siret(value: str) -> None:
    if len(siret.compact(value)) != 14:
        raise ValidationError("Un SIRET compte 14 chiffres.", code="siret_format")
    validate_siren_or_siret(value)


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
