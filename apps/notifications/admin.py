"""Admin for notifications: their types, each notification sent, and readers' preferences."""

from django.contrib import admin, messages
from django.utils import timezone

from apps.notifications.models import Notification, NotificationPreference, NotificationType


@admin.register(NotificationType)
class NotificationTypeAdmin(admin.ModelAdmin):
    list_display = ("key", "name", "default_in_app", "default_email")
    list_filter = ("default_in_app", "default_email")
    search_fields = ("key", "name", "description")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = (
        "recipient",
        "type",
        "actor",
        "target_type",
        "target_id",
        "created_at",
        "read_at",
    )
    list_filter = ("type", ("read_at", admin.EmptyFieldListFilter))
    list_select_related = ("recipient", "type", "actor", "target_type")
    search_fields = ("recipient__username", "actor__username", "type__key")
    autocomplete_fields = ("recipient", "actor")
    readonly_fields = ("created_at",)
    date_hierarchy = "created_at"
    actions = ["mark_read"]

    @admin.action(description="Mark the selected notifications read", permissions=["change"])
    def mark_read(self, request, queryset):
        count = queryset.filter(read_at__isnull=True).update(read_at=timezone.now())
        self.message_user(request, f"{count} notification(s) marked read.", messages.SUCCESS)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "type", "in_app", "email")
    list_filter = ("type", "in_app", "email")
    list_select_related = ("user", "type")
    search_fields = ("user__username", "type__key")
    autocomplete_fields = ("user",)
