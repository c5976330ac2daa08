"""Admin for reading: shelves and journals, ratings, reviews, reading lists, up next, goals."""

from django.contrib import admin
from django.db.models import Count
from django.template.defaultfilters import truncatechars

from apps.reading.models import (
    JournalEntry,
    Rating,
    ReadingGoal,
    ReadingList,
    ReadingListItem,
    Review,
    UpNextItem,
    UserBook,
)


@admin.register(UserBook)
class UserBookAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "book",
        "status",
        "started_at",
        "finished_at",
        "progress_pages",
        "progress_percent",
        "updated_at",
    )
    list_filter = ("status", "finished_at")
    ordering = ("-updated_at", "-id")  # autocomplete pages (journal entries) need an order
    list_select_related = ("user", "book")
    search_fields = ("user__username", "book__title", "=book__isbn13")
    autocomplete_fields = ("user", "book")
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "created_at"


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("user", "book", "value", "created_at")
    list_filter = ("value",)
    list_select_related = ("user", "book")
    search_fields = ("user__username", "book__title", "=book__isbn13")
    autocomplete_fields = ("user", "book")
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "created_at"


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("summary", "user", "book", "privacy", "spoiler", "created_at")
    list_filter = ("privacy", "spoiler")
    list_select_related = ("user", "book")
    search_fields = ("title", "body", "user__username", "book__title")
    autocomplete_fields = ("user", "book")
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "created_at"

    @admin.display(description="review", ordering="title")
    def summary(self, review: Review) -> str:
        return review.title or truncatechars(review.body, 60)


class ReadingListItemInline(admin.TabularInline):
    model = ReadingListItem
    fields = ("position", "book", "note", "added_at")
    readonly_fields = ("added_at",)
    autocomplete_fields = ("book",)
    extra = 0


@admin.register(ReadingList)
class ReadingListAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "privacy", "item_count", "updated_at")
    ordering = ("owner", "name")  # Meta.ordering does not survive the count's GROUP BY
    list_filter = ("privacy",)
    list_select_related = ("owner",)
    search_fields = ("name", "description", "owner__username")
    autocomplete_fields = ("owner",)
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "created_at"
    inlines = [ReadingListItemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("items"))

    @admin.display(description="books", ordering="item_count")
    def item_count(self, reading_list: ReadingList) -> int:
        return reading_list.item_count


@admin.register(ReadingListItem)
class ReadingListItemAdmin(admin.ModelAdmin):
    list_display = ("reading_list", "position", "book", "added_at")
    list_select_related = ("reading_list", "book")
    search_fields = ("reading_list__name", "reading_list__owner__username", "book__title")
    autocomplete_fields = ("reading_list", "book")
    readonly_fields = ("added_at",)
    date_hierarchy = "added_at"


@admin.register(ReadingGoal)
class ReadingGoalAdmin(admin.ModelAdmin):
    list_display = ("user", "year", "books_target", "pages_target", "minutes_target", "updated_at")
    list_filter = ("year",)
    list_select_related = ("user",)
    search_fields = ("user__username",)
    autocomplete_fields = ("user",)
    readonly_fields = ("created_at", "updated_at")


@admin.register(JournalEntry)
class JournalEntryAdmin(admin.ModelAdmin):
    list_display = ("user", "user_book", "page", "percent", "privacy", "spoiler", "created_at")
    list_filter = ("privacy", "spoiler")
    list_select_related = ("user", "user_book__book", "user_book__user")
    search_fields = ("note", "user__username", "user_book__book__title")
    autocomplete_fields = ("user", "user_book")
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "created_at"


@admin.register(UpNextItem)
class UpNextItemAdmin(admin.ModelAdmin):
    list_display = ("user", "position", "book", "added_at")
    list_select_related = ("user", "book")
    search_fields = ("user__username", "book__title")
    autocomplete_fields = ("user", "book")
    readonly_fields = ("added_at",)
