"""Caching of directory counts, map data and exports, and its invalidation.

Entries are keyed by the DirectoryVersion (one row whose number goes up after every committed
change) and by a selection built from the PoleFilter's *validated* values only: unknown or
invalid parameters never make an entry, and no crafted link can make two selections share one.
Every entry also expires (PTCE_CACHE_SECONDS), so junk selections do not pile up.

The version row is read on each request (one indexed query), so a change made through any app
server is seen by all of them at once.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.dispatch import Signal
from django.http import HttpResponse, QueryDict
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

from poles.models import DirectoryVersion

T = TypeVar("T")
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CachedBody:
    etag: str
    last_modified: datetime
    raw: bytes
    gzipped: bytes | None  # only kept where it is served


# Sent after each bump, for what is worth computing again at once (poles.selectors connects the
# unfiltered directory's counts): this module knows nothing of what is cached.
directory_changed = Signal()


# --- invalidation ----------------------------------------------------------------------------


def directory_version() -> DirectoryVersion:
    version = DirectoryVersion.objects.filter(pk=1).first()
    if version is None:  # a database emptied by a test flush
        version, _ = DirectoryVersion.objects.get_or_create(pk=1)
    return version


def directory_version_bump_now() -> None:
    """Mark the directory as changed: cached counts, map data and exports are renewed, and
    what `directory_changed` receivers compute again is computed right away, by the writer
    (the unfiltered directory's counts: about 300 ms at 20,000 poles)."""
    updated = DirectoryVersion.objects.filter(pk=1).update(
        number=F("number") + 1, changed_at=timezone.now()
    )
    if not updated:
        DirectoryVersion.objects.get_or_create(pk=1)
    try:
        directory_changed.send(sender=DirectoryVersion)
    except DatabaseError:  # the change is made: a visitor will compute the counts instead
        logger.exception("directory counts not computed after a change")


def directory_version_bump() -> None:
    """Bump the version once, after the current transaction commits.

    However many rows a transaction writes (an import writes hundreds), one UPDATE runs, after
    the commit: the version row is never locked for the length of a transaction, and a
    transaction that rolls back bumps nothing. Outside a transaction it runs at once.
    """
    pending = connection.run_on_commit if connection.in_atomic_block else []
    if any(callback is directory_version_bump_now for _, callback, _ in pending):
        return
    transaction.on_commit(directory_version_bump_now)


# --- lookups ---------------------------------------------------------------------------------


def _stamp(version: DirectoryVersion) -> str:
    # The time goes with the number: two databases (or a restored backup) with the same
    # number must not share entries.
    return f"{version.number}.{int(version.changed_at.timestamp() * 1_000_000)}"


def _digest(selection: str) -> str:
    return hashlib.sha256(selection.encode()).hexdigest()[:32]


# Selections with free words are computed each time, never kept: they rarely repeat, and a flood
# of unique searches must not fill the shared cache (nor push the useful entries out).
UNCACHED_PARAMETERS = ("q",)


def _keeps(selection: str) -> bool:
    return not any(name in UNCACHED_PARAMETERS for name in QueryDict(selection))


def _cached(namespace: str, selection: str, make: Callable[[DirectoryVersion, str, str], T]) -> T:
    version = directory_version()
    stamp, digest = _stamp(version), _digest(selection)
    if not _keeps(selection):
        return make(version, stamp, digest)
    key = f"ptce:{namespace}:{stamp}:{digest}"
    value = cache.get(key)
    if value is None:
        value = make(version, stamp, digest)
        cache.set(key, value, timeout=settings.PTCE_CACHE_SECONDS)
    return value


def cached_value(*, namespace: str, selection: str, build: Callable[[], T]) -> T:
    """`build()` for (namespace, selection), computed once per version of the directory.

    `selection` must come from validated values (PoleFilter.selection), never from raw input.
    """
    return _cached(namespace, selection, lambda version, stamp, digest: build())


def cached_body(
    *, namespace: str, selection: str, build: Callable[[], bytes], gzipped: bool = False
) -> CachedBody:
    """A response body for (namespace, selection) with its validators (and a gzipped twin)."""

    def make(version: DirectoryVersion, stamp: str, digest: str) -> CachedBody:
        raw = build()
        return CachedBody(
            etag=f'"{stamp}-{digest}"',
            last_modified=version.changed_at,
            raw=raw,
            gzipped=gzip.compress(raw, compresslevel=6, mtime=0) if gzipped else None,
        )

    return _cached(namespace, selection, make)


def address_etag(request, *args, **kwargs) -> str:
    """The ETag of a data answer (API, feeds), for Django's `etag` decorator: its address (path
    and query) at this version of the directory."""
    return f'"{_stamp(directory_version())}-{_digest(request.get_full_path())}"'


def page_key(request, *parts: str) -> str:
    """The key of a whole page: the view's canonical parts, its language, and whether the
    scripts asked for the fragment. Never the Host (a client picks any port): pages show the
    site's own address (poles.site), not the request's."""
    fragment = request.headers.get("X-Requested-With", "") == "fetch"
    return "|".join([get_language(), str(fragment), *parts])


def cached_page(request, *, namespace: str, key: str, render: Callable[[], HttpResponse]):
    """A whole public page, built once per canonical address and version of the directory.

    Only for pages that are the same for every visitor (no form, no session), keyed by
    validated values (`page_key`), served with ETag/Last-Modified (304 when unchanged) and
    pre-compressed. A page that is not a plain 200, or marked `not_kept` (a page number past
    the end), is rendered and not kept.
    """
    kept: dict = {}

    def build() -> bytes:
        response = render()
        kept["response"] = response
        if response.status_code != 200 or getattr(response, "not_kept", False):
            raise _NotCacheable
        return response.content

    try:
        body = cached_body(namespace=f"page-{namespace}", selection=key, build=build, gzipped=True)
    except _NotCacheable:
        return kept["response"]
    response = body_response(request, body)
    patch_vary_headers(response, ["X-Requested-With"])
    return response


def set_validators(response: HttpResponse, body: CachedBody) -> None:
    response["ETag"] = body.etag
    response["Last-Modified"] = http_date(body.last_modified.timestamp())


def body_response(request, body: CachedBody, **response_options) -> HttpResponse:
    """A cached body as a response: 304 when the client has it, else the gzipped twin when the
    client accepts it; revalidated each time (a 304 is cheap) so that a change shows at once."""
    not_modified = get_conditional_response(
        request, etag=body.etag, last_modified=int(body.last_modified.timestamp())
    )
    if not_modified is not None:
        return not_modified
    accepts_gzip = body.gzipped is not None and "gzip" in request.headers.get("Accept-Encoding", "")
    response = HttpResponse(body.gzipped if accepts_gzip else body.raw, **response_options)
    if accepts_gzip:
        response["Content-Encoding"] = "gzip"
    set_validators(response, body)
    # Browsers revalidate each time (a 304 is cheap); a shared cache in front (nginx's
    # microcache, deploy/) may keep the page a moment, and serve it stale while it revalidates.
    response["Cache-Control"] = (
        f"public, max-age=0, s-maxage={settings.PTCE_SHARED_CACHE_SECONDS}, "
        f"stale-while-revalidate={settings.PTCE_SHARED_CACHE_STALE_SECONDS}"
    )
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


class _NotCacheable(Exception):
    pass
