"""Admin for the social graph: follows, blocks, mutes, and the activity feeds are made of."""

from django.contrib import admin

from apps.social.models import Activity, Block, Follow, Mute


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("follower", "followee", "created_at")
    list_select_related = ("follower", "followee")
    search_fields = ("follower__username", "followee__username")
    autocomplete_fields = ("follower", "followee")
    date_hierarchy = "created_at"


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    """Activities are recorded by the app; the admin may correct their privacy or remove them."""

    list_display = ("actor", "verb", "target_type", "target_id", "book", "privacy", "created_at")
    list_filter = ("verb", "privacy", "target_type")
    list_select_related = ("actor", "book", "target_type")
    search_fields = ("actor__username", "book__title")
    autocomplete_fields = ("actor", "book")
    readonly_fields = ("created_at",)
    date_hierarchy = "created_at"


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ("blocker", "blocked", "created_at")
    list_select_related = ("blocker", "blocked")
    search_fields = ("blocker__username", "blocked__username")
    autocomplete_fields = ("blocker", "blocked")


@admin.register(Mute)
class MuteAdmin(admin.ModelAdmin):
    list_display = ("muter", "muted", "created_at")
    list_select_related = ("muter", "muted")
    search_fields = ("muter__username", "muted__username")
    autocomplete_fields = ("muter", "muted")
