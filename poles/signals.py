"""Every write to the directory's data bumps the DirectoryVersion, which invalidates caches.

Writes to a pole go through poles.services, which bumps the version itself; these signals carry
no domain logic and only keep caches honest for what bypasses it (a shell session, reference
data edited in the admin). Bumps are deduplicated per transaction.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from poles import models
from poles.caching import directory_version_bump

WATCHED_MODELS = (
    models.Pole,
    models.Member,
    models.Membership,
    models.Region,
    models.Department,
    models.Approach,
    models.Principle,
    models.Theme,
    models.StateCall,
    models.Commune,
    models.Epci,
)
WATCHED_RELATIONS = (
    models.Pole.approaches.through,
    models.Pole.principles.through,
    models.Pole.themes.through,
    models.Pole.recognitions.through,
    models.Pole.action_communes.through,
    models.Pole.action_epcis.through,
    models.Pole.action_departments.through,
    models.Pole.action_regions.through,
)


def _bump(sender, **kwargs) -> None:
    if kwargs.get("raw"):  # loaddata: the loaded rows are as they were
        return
    if kwargs.get("action", "post_").startswith("post_"):
        directory_version_bump()


def connect() -> None:
    for model in WATCHED_MODELS:
        post_save.connect(_bump, sender=model, dispatch_uid=f"bump-save-{model.__name__}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"bump-delete-{model.__name__}")
    for through in WATCHED_RELATIONS:
        m2m_changed.connect(_bump, sender=through, dispatch_uid=f"bump-m2m-{through.__name__}")
