"""Admin for comments and likes: operators may read, correct or remove them."""

from django.contrib import admin

from apps.conversation.models import Comment, Like


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    # Ids, not objects: a review's name reads its reader and book (two queries a row).
    list_display = (
        "id",
        "author",
        "review_id",
        "reading_list_id",
        "reply_to_id",
        "created_at",
        "edited_at",
    )
    list_select_related = ("author",)
    search_fields = ("author__username", "body")
    raw_id_fields = ("author", "review", "reading_list", "reply_to")
    readonly_fields = ("created_at", "updated_at", "edited_at")
    date_hierarchy = "created_at"


@admin.register(Like)
class LikeAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "user",
        "review_id",
        "reading_list_id",
        "activity_id",
        "comment_id",
        "created_at",
    )
    list_select_related = ("user",)
    search_fields = ("user__username",)
    raw_id_fields = ("user", "review", "reading_list", "activity", "comment")
    readonly_fields = ("created_at",)
    date_hierarchy = "created_at"
