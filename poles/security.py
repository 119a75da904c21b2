"""Who is asking, and what may reach the views: the client address behind proxies, and the
request checks that keep hostile input out of the database (NUL bytes, methods)."""

from __future__ import annotations

import hashlib
import ipaddress
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from poles.models import RateCount

logger = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD")


def client_ip(request: HttpRequest) -> str:
    """The address of the client, behind `PTCE_PROXY_COUNT` trusted proxies.

    Each proxy appends the address it received the connection from to X-Forwarded-For (nginx's
    `$proxy_add_x_forwarded_for`, Caddy and most load balancers do): behind N proxies the client
    is the N-th entry from the right. Entries further left were written by the client itself and
    are never trusted. With no proxy, or a request that did not come through them (fewer
    entries than proxies), the client is the peer of the connection, REMOTE_ADDR.
    """
    peer = request.META.get("REMOTE_ADDR", "")
    count = settings.PTCE_PROXY_COUNT
    if count <= 0:
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < count:
        return peer
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        logger.warning("unreadable X-Forwarded-For entry from a trusted proxy: %r", candidate[:60])
        return peer


def login_failure_limit(request: HttpRequest, credentials: dict | None) -> int:
    """django-axes' failure limit for this login attempt.

    Axes counts failures per user name *and* address, so nobody can lock an editor out from
    elsewhere. Across user names, one address may fail PTCE_LOGIN_ADDRESS_FAILURE_LIMIT times
    within the cool-off: past that, every attempt from it is locked out (limit 0), which stops one
    password tried against many accounts.
    """
    from axes.models import AccessAttempt
    from django.db.models import Sum
    from django.utils import timezone

    since = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
    from_address = AccessAttempt.objects.filter(
        ip_address=getattr(request, "axes_ip_address", None) or client_ip(request),
        attempt_time__gte=since,
    ).aggregate(total=Sum("failures_since_start"))["total"]
    if (from_address or 0) >= settings.PTCE_LOGIN_ADDRESS_FAILURE_LIMIT:
        return 0
    return settings.PTCE_LOGIN_FAILURE_LIMIT


def read_only(view: Callable) -> Callable:
    """A view that serves GET and HEAD only; other methods get 405 with Allow.

    The mark lets RequestSanityMiddleware answer before the CSRF check would answer 403.
    """
    wrapped = require_safe(view)
    wrapped.allowed_methods = SAFE_METHODS
    return wrapped


class RequestSanityMiddleware:
    """Refuses, with a clear 400 or 405, what no view should ever receive.

    - A NUL byte in the path, the query string or form data: PostgreSQL text cannot hold one,
      so it would end as a 500 deep in a query (an admin filter, an autocomplete, an object id).
    - A method a read-only view does not serve (405 with Allow), instead of the CSRF check's 403.

    Placed before the CSRF middleware; one mechanism for every view, the admin's included.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            return HttpResponseBadRequest(
                _("Requête refusée : elle contient un caractère nul.\n"),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        allowed = getattr(view_func, "allowed_methods", None)
        if allowed and request.method not in allowed:
            response = HttpResponse(
                _("Méthode non autorisée.\n"), status=405, content_type="text/plain; charset=utf-8"
            )
            response["Allow"] = ", ".join(allowed)
            return response
        return None


def _has_nul(request: HttpRequest) -> bool:
    query = request.META.get("QUERY_STRING", "")
    if "\x00" in request.path or "\x00" in query or "%00" in query:
        return True
    if request.method in SAFE_METHODS:
        return False
    content_type = request.META.get("CONTENT_TYPE", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return False
    try:
        data = request.POST
    except (SuspiciousOperation, ValueError):  # too big, too many fields, malformed: Django
        return False  # answers those itself, with a 400
    return any("\x00" in key or any("\x00" in v for v in data.getlist(key)) for key in data)


def _window(window: int) -> datetime:
    now = int(timezone.now().timestamp())
    return datetime.fromtimestamp(now - now % window, tz=UTC)


def _rate_key(scope: str, key: str) -> str:
    return hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()


def rate_count(*, scope: str, key: str, window: int = 3600) -> int:
    """How many times `key` did `scope` in the current window (nothing is counted)."""
    found = RateCount.objects.filter(key=_rate_key(scope, key), window_start=_window(window))
    return found.values_list("count", flat=True).first() or 0


def rate_add(*, scope: str, key: str, window: int = 3600) -> int:
    """Counts one more and says how many now, atomically (several workers, several servers)."""
    digest, start = _rate_key(scope, key), _window(window)
    row = RateCount.objects.filter(key=digest, window_start=start)
    if not row.update(count=F("count") + 1):
        try:
            with transaction.atomic():
                RateCount.objects.create(key=digest, window_start=start, count=1)
        except IntegrityError:  # created meanwhile by another request
            row.update(count=F("count") + 1)
    return row.values_list("count", flat=True).first() or 1


def over_limit(*, scope: str, key: str, limit: int, window: int = 3600) -> bool:
    """Counts one more attempt of `scope` by `key` (an address, a client) in the window, and
    says whether it goes over `limit`. Keys are hashed: no address is stored."""
    return rate_add(scope=scope, key=key, window=window) > limit


def normalised_email(email: str) -> str:
    """An address as the site keeps and compares it."""
    return email.strip().lower()


def over_address_limit(request: HttpRequest, *, scope: str, email: str) -> bool:
    """Counts one more request of `scope` (a link by e-mail: sign-in, claim, follow) per address
    and per client, and says whether either went over PTCE_SIGN_IN_PER_HOUR (a client: four
    times as many)."""
    per_address = over_limit(scope=f"{scope}:address", key=normalised_email(email),
                             limit=settings.PTCE_SIGN_IN_PER_HOUR)  # fmt: skip
    per_client = over_limit(scope=f"{scope}:client", key=client_ip(request),
                            limit=settings.PTCE_SIGN_IN_PER_HOUR * 4)  # fmt: skip
    return per_address or per_client


def too_many(request: HttpRequest, *, window: int = 3600) -> HttpResponse:
    """The answer of a public form past its rate limit: a page that says when to try again."""
    response = render(request, "contributions/too_many.html", status=429)
    response["Retry-After"] = str(window)
    return response
