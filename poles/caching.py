"""Cached values keyed by the DirectoryVersion: valid until the data changes, then renewed.

The version row is read on each request (one indexed query), so a change made through any app
server is seen by all of them at once; the cached values themselves may live in each process.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from django.core.cache import cache

from poles.models import DirectoryVersion

T = TypeVar("T")


@dataclass(frozen=True)
class CachedBody:
    etag: str
    last_modified: datetime
    raw: bytes
    gzipped: bytes


def directory_version() -> DirectoryVersion:
    version = DirectoryVersion.objects.filter(pk=1).first()
    if version is None:  # a database emptied by a test flush
        version, _ = DirectoryVersion.objects.get_or_create(pk=1)
    return version


def _stamp(version: DirectoryVersion) -> str:
    # The time goes with the number: a bump rolled back with its transaction must not let a
    # later, different change reuse the same key.
    return f"{version.number}.{int(version.changed_at.timestamp() * 1_000_000)}"


def _digest(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()[:20]


def _cached(namespace: str, query: str, make: Callable[[DirectoryVersion, str, str], T]) -> T:
    """`make(version, stamp, digest)` for (namespace, query), once per directory version."""
    version = directory_version()
    stamp, digest = _stamp(version), _digest(query)
    key = f"ptce:{namespace}:{stamp}:{digest}"
    value = cache.get(key)
    if value is None:
        value = make(version, stamp, digest)
        cache.set(key, value, timeout=None)
    return value


def cached_value(*, namespace: str, query: str, build: Callable[[], T]) -> T:
    """`build()` for (namespace, query), computed once per version of the directory."""
    return _cached(namespace, query, lambda version, stamp, digest: build())


def cached_body(*, namespace: str, query: str, build: Callable[[], bytes]) -> CachedBody:
    """A response body for (namespace, query) with its validators and gzipped twin."""

    def make(version: DirectoryVersion, stamp: str, digest: str) -> CachedBody:
        raw = build()
        return CachedBody(
            etag=f'"{stamp}-{digest}"',
            last_modified=version.changed_at,
            raw=raw,
            gzipped=gzip.compress(raw, compresslevel=6, mtime=0),
        )

    return _cached(namespace, query, make)
