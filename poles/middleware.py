"""Response-wide security headers."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def _tile_origin() -> str:
    parts = urlsplit(settings.LEAFLET_CONFIG["TILES"][0][1].replace("{s}", "a"))
    host = parts.netloc
    if "{s}." in settings.LEAFLET_CONFIG["TILES"][0][1]:
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}"


class ContentSecurityPolicyMiddleware:
    """A strict CSP: scripts only from our own static files (no inline script, no eval)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = "; ".join(
                [
                    "default-src 'self'",
                    "script-src 'self'",
                    # Leaflet positions its panes with style attributes.
                    "style-src 'self' 'unsafe-inline'",
                    f"img-src 'self' data: {_tile_origin()}",
                    "connect-src 'self'",
                    "font-src 'self'",
                    "object-src 'none'",
                    "base-uri 'self'",
                    "form-action 'self'",
                    "frame-ancestors 'none'",
                ]
            )
        response.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        return response
