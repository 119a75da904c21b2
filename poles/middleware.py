"""Middleware: the health check answered first, and response-wide security headers."""

from urllib.parse import urlsplit

import leaflet
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from whitenoise.middleware import WhiteNoiseMiddleware

from poles.security import SAFE_METHODS

HEALTH_PATH = "/healthz"


class HealthCheckMiddleware:
    """/healthz for load balancers, before host validation and HTTPS redirects.

    A balancer probes by IP address (Host: 10.0.0.5) over plain HTTP: neither may turn its probe
    into a 400 or a redirect. 200 when the database answers, 503 otherwise; never cached.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path != HEALTH_PATH:
            return self.get_response(request)
        if request.method not in SAFE_METHODS:
            response = HttpResponse(status=405, content_type="text/plain")
            response["Allow"] = ", ".join(SAFE_METHODS)
        else:
            try:
                # The poles' table itself, not only the connection.
                with connection.cursor() as cursor:
                    cursor.execute("SELECT id FROM poles_pole LIMIT 1")
                    cursor.fetchone()
            except DatabaseError:
                response = HttpResponse(
                    "base de données indisponible\n", status=503, content_type="text/plain"
                )
                response["Retry-After"] = "30"
            else:
                # Without the shared cache the site works, slower: still in service, but said.
                available = getattr(cache, "is_available", lambda: True)()
                body = "ok\n" if available else "dégradé : cache partagé indisponible\n"
                response = HttpResponse(body, content_type="text/plain; charset=utf-8")
                response["X-Health"] = "ok" if available else "degraded"
        response["Cache-Control"] = "no-store"
        return response


def tile_sources() -> str:
    """CSP sources of the map tiles: the origins of django-leaflet's tile layers.

    A URL template's "{s}." subdomain becomes a wildcard; a relative URL is our own origin.
    """
    sources = []
    for _label, url, _options in leaflet.app_settings["TILES"]:
        parts = urlsplit(url)
        if not parts.netloc:
            continue
        host = parts.netloc
        if host.startswith("{s}."):
            host = "*." + host.removeprefix("{s}.")
        sources.append(f"{parts.scheme or 'https'}://{host}")
    return " ".join(sources)


NO_FRAMING = "'none'"


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
                    f"img-src 'self' data: {tile_sources()}".strip(),
                    "connect-src 'self'",
                    "font-src 'self'",
                    "object-src 'none'",
                    "base-uri 'self'",
                    "form-action 'self'",
                    # Only the embeddable map says otherwise (poles.views.directory.map_embed).
                    f"frame-ancestors {getattr(response, 'csp_frame_ancestors', NO_FRAMING)}",
                ]
            )
        # Geolocation for the site itself ("Autour de moi", asked on a click), nothing else.
        response.setdefault("Permissions-Policy", "geolocation=(self), camera=(), microphone=()")
        return response


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """whitenoise, minus the manifest of the fingerprinted names (staticfiles.json).

    The manifest is for the app to find files, not for visitors: it would list every static
    file the site has, used or not. A request for it gets the site's 404.
    """

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == f"{self.static_prefix}staticfiles.json":
            return self.get_response(request)
        return super().__call__(request)
