"""Dated releases of the open data: the CSV, the GeoJSON and the schema as they were, under a
stable address, with what changed since the release before (poles.releases.services)."""

from __future__ import annotations

from django.db import models
from django.urls import reverse


class Release(models.Model):
    # The date, then a sequence number from the second release of a day: "2026-12-04",
    # "2026-12-04-2". Never reused: a release's address stays its own.
    slug = models.SlugField("identifiant", max_length=20, unique=True)
    published_at = models.DateTimeField("publiée le")
    directory_version = models.PositiveIntegerField("version de l'annuaire")
    pole_count = models.PositiveIntegerField("pôles")
    # The files, gzipped as they are served; the schema as it was.
    csv_gz = models.BinaryField("CSV (gzip)")
    geojson_gz = models.BinaryField("GeoJSON (gzip)")
    schema = models.TextField("schéma")
    # Each pole's record (export row) by identifier, gzipped JSON: the next release compares.
    records_gz = models.BinaryField("fiches (gzip)")
    # What changed since the previous release, computed when published.
    added = models.JSONField("ajoutés", default=list)  # [[identifiant, nom], …]
    stopped = models.JSONField("retirés", default=list)  # [[identifiant, nom], …]
    changed = models.JSONField("modifiés", default=list)  # [[identifiant, nom, [champs]], …]
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="version précédente",
    )  # fmt: skip

    class Meta:
        app_label = "poles"
        verbose_name = "version publiée des données"
        verbose_name_plural = "versions publiées des données"
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.slug

    def get_absolute_url(self) -> str:
        return reverse("poles:release_detail", args=[self.slug])
