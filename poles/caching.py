"""Cached responses keyed by the DirectoryVersion: valid until the data changes, then renewed.

The version row is read on each request (one indexed query), so a change made through any app
server is seen by all of them at once; the cached bytes themselves may live in each process.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache

from poles.models import DirectoryVersion


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


def cached_body(*, namespace: str, query: str, build) -> CachedBody:
    """The body for (namespace, query) at the current version, built once by `build()`."""
    version = directory_version()
    digest = hashlib.sha256(query.encode()).hexdigest()[:20]
    # The time goes with the number: a bump rolled back with its transaction must not let a
    # later, different change reuse the same key.
    stamp = f"{version.number}.{int(version.changed_at.timestamp() * 1_000_000)}"
    key = f"ptce:{namespace}:{stamp}:{digest}"
    body = cache.get(key)
    if body is None:
        raw = build()
        body = CachedBody(
            etag=f'"{stamp}-{digest}"',
            last_modified=version.changed_at,
            raw=raw,
            gzipped=gzip.compress(raw, compresslevel=6, mtime=0),
        )
        cache.set(key, body, timeout=None)
    return body
