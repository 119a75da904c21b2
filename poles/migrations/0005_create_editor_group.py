"""The "éditeur" group: editors keep poles and members up to date, but manage no accounts."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_GROUP = "éditeur"

PERMISSIONS = {
    "pole": ("add", "change", "delete", "view"),
    "member": ("add", "change", "delete", "view"),
    "membership": ("add", "change", "delete", "view"),
    "theme": ("add", "change", "view"),
    "approach": ("view",),
    "principle": ("view",),
    "statecall": ("view",),
    "region": ("view",),
    "department": ("view",),
}


def create_group(apps, schema_editor):
    # On a fresh database permissions are created after all migrations; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITOR_GROUP)
    codenames = [f"{action}_{model}" for model, actions in PERMISSIONS.items() for action in actions]
    permissions = Permission.objects.filter(content_type__app_label="poles", codename__in=codenames)
    assert permissions.count() == len(codenames), "missing permissions for the editor group"
    group.permissions.set(permissions)


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITOR_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("poles", "0004_load_ptce_typology_and_state_calls"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
