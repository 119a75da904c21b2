import json

from django import template
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe
from leaflet.templatetags.leaflet_tags import leaflet_map

from poles.reference_labels import reference_text
from poles.territories.models import TERRITORIES

register = template.Library()


@register.filter
def json_ld(data: dict) -> str:
    """JSON for a <script type="application/ld+json"> block, escaped like json_script."""
    text = json.dumps(data, ensure_ascii=False).translate(_json_script_escapes)
    return mark_safe(text)


@register.inclusion_tag("poles/includes/_leaflet_map.html")
def leaflet_map_container(map_id: str, label: str, **attributes):
    """A map container set up by django-leaflet, without its inline script.

    django-leaflet's {% leaflet_map %} writes an inline <script>, which our Content-Security-
    Policy forbids. This tag renders the same options (from LEAFLET_CONFIG, computed by
    django-leaflet itself) through json_script; static/js/leaflet_maps.js hands them to
    L.Map.djangoMap, which fires django-leaflet's `map:init` event as usual.
    """
    options = json.loads(leaflet_map(map_id, creatediv=False)["djoptions"])
    small = attributes.pop("small", False)
    data = {
        key.replace("_", "-"): value
        for key, value in attributes.items()
        if value is not None and value is not False
    }
    return {
        "map_id": map_id,
        "options_id": f"{map_id}-options",
        "label": label,
        "small": small,
        "djoptions": options,
        "data": data,
    }


@register.filter
def reference(text: str) -> str:
    """A reference label or description (approach, principle, theme, State call), translated."""
    return reference_text(text)


@register.simple_tag
def json_object(**values) -> dict:
    """A dict built in a template, for json_script (texts the page's scripts show)."""
    return values


@register.simple_tag
def place_kind_labels() -> dict:
    """Each kind of territory's name in the page's language, for the place search's script."""
    return {kind.value: str(kind.label) for kind in TERRITORIES}


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key, "") if isinstance(mapping, dict) else ""


@register.filter
def fact_text(value) -> str:
    """A recorded fact as plain text (the editors' history: codes as they are)."""
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return " ; ".join(str(item) for item in value)
    return str(value)
