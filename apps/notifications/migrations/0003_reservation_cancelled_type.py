"""Reference data: `reservation_cancelled`, sent when a copy's owner deletes their account.

Copied here rather than imported from apps/notifications/types.py (see 0002).
"""

from django.db import migrations

TYPE = (
    "reservation_cancelled",
    "Reservation cancelled",
    "A copy you reserved or borrowed is no longer lent: its owner left BookNest.",
    True,
    True,
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
        ("notifications", "0002_notification_types"),
    ]

    operations = [
        migrations.RunPython(create_type, delete_type),
    ]
