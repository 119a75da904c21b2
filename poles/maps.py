"""Map settings shared by every Leaflet map of the site (admin widget and public pages)."""

from django.conf import settings


def map_config() -> dict:
    """What the front-end needs to draw a map: tiles and the default view over France."""
    leaflet = settings.LEAFLET_CONFIG
    _label, url, options = leaflet["TILES"][0]
    return {
        "tilesUrl": url,
        "attribution": options.get("attribution", ""),
        "maxZoom": options.get("maxZoom", leaflet.get("MAX_ZOOM", 19)),
        "center": list(leaflet["DEFAULT_CENTER"]),
        "zoom": leaflet["DEFAULT_ZOOM"],
        "precision": leaflet.get("DEFAULT_PRECISION", 5),
    }
