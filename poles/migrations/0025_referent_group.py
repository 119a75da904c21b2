"""The regional referents' group, and the editors' rights over claims, coordinators and
referents. A referent sees and decides only its regions' poles, proposals and claims (the admin
filters them: poles.coordination.services.referent_regions)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REFERENT_GROUP = "référent"
EDITOR_GROUP = "éditeur"

REFERENT_PERMISSIONS = {
    "pole": ("change", "view"),
    "member": ("add", "change", "view"),
    "membership": ("add", "change", "delete", "view"),
    "proposal": ("change", "view"),
    "claimrequest": ("change", "view"),
    "polecoordinator": ("view",),
    "theme": ("view",),
    "approach": ("view",),
    "principle": ("view",),
    "statecall": ("view",),
    "region": ("view",),
    "department": ("view",),
    "commune": ("view",),
    "epci": ("view",),
}
EDITOR_PERMISSIONS = {
    "claimrequest": ("change", "view"),
    "polecoordinator": ("delete", "view"),
    "referent": ("add", "change", "delete", "view"),
}


def _permissions(apps, wanted):
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model, actions in wanted.items() for action in actions]
    found = Permission.objects.filter(content_type__app_label="poles", codename__in=codenames)
    assert found.count() == len(codenames), "missing permissions"
    return found


def create_group(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    referents, _ = Group.objects.get_or_create(name=REFERENT_GROUP)
    referents.permissions.set(_permissions(apps, REFERENT_PERMISSIONS))
    editors, _ = Group.objects.get_or_create(name=EDITOR_GROUP)
    editors.permissions.add(*_permissions(apps, EDITOR_PERMISSIONS))


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=REFERENT_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [("poles", "0024_coordinators_and_referents")]

    operations = [migrations.RunPython(create_group, delete_group)]
