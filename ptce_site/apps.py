from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.contrib.admin.apps import SimpleAdminConfig

# django-leaflet's admin module imports GeoDjango, which needs GDAL
# (makinacorpus/django-leaflet#299). We keep coordinates as plain fields,
# so its admin module is never loaded.
SKIPPED_ADMIN_MODULES = {"leaflet"}


class PtceAdminConfig(SimpleAdminConfig):
    """The admin, with autodiscovery of every installed app but django-leaflet."""

    def ready(self) -> None:
        super().ready()
        for app_config in apps.get_app_configs():
            if app_config.name in SKIPPED_ADMIN_MODULES:
                continue
            module = f"{app_config.name}.admin"
            if find_spec(module) is not None:
                import_module(module)
