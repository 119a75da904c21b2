"""Every write to the directory's data bumps the DirectoryVersion, which invalidates caches.

Writes to a pole go through poles.services, which bumps the version itself; these signals carry
no domain logic and only keep caches honest for what bypasses it (a shell session, reference
data edited in the admin). Bumps are deduplicated per transaction.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from poles import models
from poles.caching import directory_changed, directory_version_bump
from poles.search import poles_search_refresh
from poles.selectors import directory_summary_warm
from poles.territories.models import TERRITORIES

WATCHED_MODELS = (
    models.Pole,
    models.Member,
    models.Membership,
    models.Approach,
    models.Principle,
    models.Theme,
    models.StateCall,
    *(territory.model for territory in TERRITORIES.values()),
)
WATCHED_RELATIONS = (
    models.Pole.approaches.through,
    models.Pole.principles.through,
    models.Pole.themes.through,
    models.Pole.recognitions.through,
    *(getattr(models.Pole, territory.action).through for territory in TERRITORIES.values()),
)


def _bump(sender, **kwargs) -> None:
    if kwargs.get("raw"):  # loaddata: the loaded rows are as they were
        return
    if kwargs.get("action", "post_").startswith("post_"):
        directory_version_bump()


def _warm(sender, **kwargs) -> None:
    # The unfiltered directory's counts (what most visitors ask first, and the costliest part
    # of a page) are computed by the writer, so that no visitor waits for them.
    directory_summary_warm()


def _renamed(sender, instance, created=False, raw=False, **kwargs) -> None:
    # A theme or a member renamed changes the words that find its poles.
    if raw or created:
        return
    if sender is models.Theme:
        pole_ids = instance.poles.values_list("pk", flat=True)
    else:
        pole_ids = instance.memberships.values_list("pole_id", flat=True)
    poles_search_refresh(model=models.Pole, pole_ids=list(pole_ids))


def connect() -> None:
    directory_changed.connect(_warm, dispatch_uid="warm-directory-counts")
    for model in (models.Theme, models.Member):
        post_save.connect(_renamed, sender=model, dispatch_uid=f"search-{model.__name__}")
    for model in WATCHED_MODELS:
        post_save.connect(_bump, sender=model, dispatch_uid=f"bump-save-{model.__name__}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"bump-delete-{model.__name__}")
    for through in WATCHED_RELATIONS:
        m2m_changed.connect(_bump, sender=through, dispatch_uid=f"bump-m2m-{through.__name__}")
