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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from poles.models import DirectoryVersion

T = TypeVar("T")


@dataclass(frozen=True)
class CachedBody:
    etag: str
    last_modified: datetime
    raw: bytes
    gzipped: bytes | None  # only kept where it is served


# --- invalidation ----------------------------------------------------------------------------


def directory_version() -> DirectoryVersion:
    version = DirectoryVersion.objects.filter(pk=1).first()
    if version is None:  # a database emptied by a test flush
        version, _ = DirectoryVersion.objects.get_or_create(pk=1)
    return version


def directory_version_bump_now() -> None:
    """Mark the directory as changed: cached counts, map data and exports are renewed."""
    updated = DirectoryVersion.objects.filter(pk=1).update(
        number=F("number") + 1, changed_at=timezone.now()
    )
    if not updated:
        DirectoryVersion.objects.get_or_create(pk=1)


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


def _cached(namespace: str, selection: str, make: Callable[[DirectoryVersion, str, str], T]) -> T:
    version = directory_version()
    stamp, digest = _stamp(version), _digest(selection)
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
