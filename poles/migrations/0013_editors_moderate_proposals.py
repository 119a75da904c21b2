"""Editors moderate proposals: they see and decide them (nobody adds one through the admin)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_GROUP = "éditeur"
CODENAMES = ["view_proposal", "change_proposal"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=EDITOR_GROUP).first()
    if group is None:
        return
    permissions = Permission.objects.filter(content_type__app_label="poles", codename__in=CODENAMES)
    assert permissions.count() == len(CODENAMES), "missing proposal permissions"
    group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=EDITOR_GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="poles", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [("poles", "0012_proposals")]

    operations = [migrations.RunPython(grant, revoke)]
