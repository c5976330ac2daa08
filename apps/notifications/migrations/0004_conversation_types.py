"""Reference data: the kinds of issue 20's conversation (liked, commented, replied, mentioned).

Copied here rather than imported from apps/notifications/types.py (see 0002).
"""

from django.db import migrations

TYPES = [
    (
        "liked",
        "Liked",
        "Someone liked your review, list, activity or comment.",
        True,
        False,
    ),
    (
        "commented",
        "New comment",
        "Someone commented on your review or reading list.",
        True,
        False,
    ),
    ("replied", "Reply", "Someone replied to your comment.", True, False),
    (
        "mentioned",
        "Mention",
        "Someone mentioned you (@username) in a comment or review.",
        True,
        True,
    ),
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
    keys = [row[0] for row in TYPES]
    apps.get_model("notifications", "NotificationType").objects.filter(key__in=keys).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_reservation_cancelled_type"),
    ]

    operations = [
        migrations.RunPython(create_types, delete_types),
    ]
