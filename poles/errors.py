"""Error pages. A database that is down or unreachable gets a clear 503, never a traceback."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def is_database_unavailable(exception: BaseException | None) -> bool:
    return isinstance(exception, OperationalError | InterfaceError)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: called while the exception is being handled, so it can tell a database
    outage (503, retry later) from a bug (500). Neither page touches the database."""
    exception = sys.exc_info()[1]
    if is_database_unavailable(exception):
        logger.error("database unavailable: %s", exception)
        response = HttpResponse(_page("503.html", FALLBACK_503), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(_page("500.html", FALLBACK_500), status=500)


FALLBACK_503 = "Service momentanément indisponible : réessayez dans quelques instants."
FALLBACK_500 = "Le serveur a rencontré une erreur."


def _page(template: str, fallback: str) -> str:
    # An error page must not fail in turn (e.g. static files not collected yet).
    try:
        return render_to_string(template)
    except Exception:
        logger.exception("error page %s could not be rendered", template)
        return (
            '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
            f"<title>Annuaire des PTCE</title></head><body><p>{fallback}</p></body></html>"
        )
