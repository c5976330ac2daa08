"""Reference data: the notification types BookNest sends (see apps/notifications/types.py).

The list is copied here rather than imported: a migration must replay the same way forever,
whatever later happens to the app code. Existing rows are left as they are (an admin may have
renamed one or changed its defaults); missing ones are created.
"""

from django.db import migrations

# key, name, description, default_in_app, default_email
TYPES = [
    ("new_follower", "New follower", "Someone started following you.", True, False),
    (
        "reservation_ready",
        "Reservation ready",
        "A copy you reserved is waiting for you to pick it up.",
        True,
        True,
    ),
    (
        "reservation_due_soon",
        "Loan due soon",
        "A book you borrowed is due back soon.",
        True,
        True,
    ),
    (
        "reservation_overdue",
        "Loan overdue",
        "A book you borrowed is past its due date.",
        True,
        True,
    ),
    (
        "reservation_expired",
        "Reservation expired",
        "A copy held for you was not picked up in time and went to the next reader.",
        True,
        False,
    ),
    ("import_finished", "Import finished", "Your library import has finished.", True, False),
]


def create_types(apps, schema_editor):
    NotificationType = apps.get_model("notifications", "NotificationType")
    for key, name, description, in_app, email in TYPES:
        NotificationType.objects.get_or_create(
            key=key,
            defaults={
                "name": name,
                "description": description,
                "default_in_app": in_app,
                "default_email": email,
            },
        )


def delete_types(apps, schema_editor):
    # Notifications PROTECT their type: unapplying fails loudly while any of these is in use,
    # rather than silently deleting readers' notifications.
    NotificationType = apps.get_model("notifications", "NotificationType")
    NotificationType.objects.filter(key__in=[key for key, *_ in TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_types, delete_types),
    ]
