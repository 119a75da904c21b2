"""Shaped reads of the directory, for the views."""

from django.db.models import Prefetch, QuerySet

from poles.models import Membership, Pole


def pole_list_published() -> QuerySet[Pole]:
    return (
        Pole.objects.published()
        .select_related("department", "region")
        .prefetch_related("themes")
        .order_by("name")
    )


def pole_get_published(*, slug: str) -> Pole | None:
    return (
        Pole.objects.published()
        .select_related("department", "region")
        .prefetch_related(
            "approaches",
            "principles",
            "themes",
            "recognitions",
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("member").order_by(
                    "member__category", "member__name"
                ),
            ),
        )
        .filter(slug=slug)
        .first()
    )
