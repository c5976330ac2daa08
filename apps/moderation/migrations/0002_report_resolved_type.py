"""Reference data: the `report_resolved` notification kind, sent to a reader whose report a
moderator resolved. Copied here rather than imported from apps/notifications/types.py (a
migration must not change when that module does); created by this app, which sends it."""

from django.db import migrations

TYPE = (
    "report_resolved",
    "Report resolved",
    "Moderators looked at something you reported.",
    True,
    False,
)


def create_type(apps, schema_editor):
    NotificationType = apps.get_model("notifications", "NotificationType")
    key, name, description, in_app, email = TYPE
    NotificationType.objects.get_or_create(
        key=key,
        defaults={
            "name": name,
            "description": description,
            "default_in_app": in_app,
            "default_email": email,
        },
    )


def delete_type(apps, schema_editor):
    apps.get_model("notifications", "NotificationType").objects.filter(key=TYPE[0]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0001_initial"),
        ("notifications", "0003_reservation_cancelled_type"),
    ]

    operations = [
        migrations.RunPython(create_type, delete_type),
    ]
