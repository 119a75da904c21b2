"""Publishing a dated release of the open data (`manage.py publish_release`, monthly from cron
and on demand): the directory's published poles frozen as CSV, GeoJSON and schema, and what
changed since the previous release: poles added, poles gone from the directory (closed or
withdrawn: their last record stays readable in the release before), fields changed."""

from __future__ import annotations

import gzip
import json

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from poles.caching import directory_version
from poles.exports import pole_export_rows, rows_to_csv, rows_to_geojson
from poles.models import Pole
from poles.releases.models import Release
from poles.schema import SCHEMA_PATH
from poles.site import absolute_url

KEY = "identifiant"


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def records(release: Release) -> dict[str, dict]:
    """Each pole's record in a release, by identifier."""
    return json.loads(gzip.decompress(bytes(release.records_gz)))


def _slug(day: str) -> str:
    taken = set(Release.objects.filter(slug__startswith=day).values_list("slug", flat=True))
    if day not in taken:
        return day
    sequence = 2
    while f"{day}-{sequence}" in taken:
        sequence += 1
    return f"{day}-{sequence}"


def release_diff(before: dict[str, dict], after: dict[str, dict]) -> tuple[list, list, list]:
    """(added, stopped, changed) between two releases' records, in the name's order."""
    added = [[key, row["nom"]] for key, row in after.items() if key not in before]
    stopped = [[key, row["nom"]] for key, row in before.items() if key not in after]
    changed = []
    for key, row in after.items():
        old = before.get(key)
        if old is None:
            continue
        fields = [name for name in row if name != "url" and row.get(name) != old.get(name)]
        if fields:
            changed.append([key, row["nom"], fields])
    by_name = lambda item: item[1].casefold()  # noqa: E731
    return sorted(added, key=by_name), sorted(stopped, key=by_name), sorted(changed, key=by_name)


@transaction.atomic
def release_publish() -> Release:
    """Freezes the published directory now, under the day's next address."""
    version = directory_version()
    rows = pole_export_rows(poles=Pole.objects.published(), base_url=absolute_url(""))
    now = timezone.now()
    slug = _slug(timezone.localdate(now).isoformat())
    after = {row[KEY]: row for row in rows}
    previous = Release.objects.select_for_update().order_by("-published_at", "-pk").first()
    added, stopped, changed = release_diff(records(previous) if previous else {}, after)
    documentation = absolute_url(reverse("poles:release_detail", args=[slug]))
    schema_url = absolute_url(reverse("poles:release_schema", args=[slug]))
    return Release.objects.create(
        slug=slug,
        published_at=now,
        directory_version=version.number,
        pole_count=len(rows),
        csv_gz=_gzip(rows_to_csv(rows)),
        geojson_gz=_gzip(
            rows_to_geojson(rows, documentation_url=documentation, schema_url=schema_url)
        ),
        schema=SCHEMA_PATH.read_text(encoding="utf-8"),
        records_gz=_gzip(json.dumps(after, ensure_ascii=False, sort_keys=True).encode()),
        added=added,
        stopped=stopped,
        changed=changed if previous else [],
        previous=previous,
    )
