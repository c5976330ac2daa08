"""Admin for impressions: quotes, readers' tags of books, and the curated content warnings."""

from django.contrib import admin
from django.template.defaultfilters import truncatechars

from apps.impressions.models import (
    BookTraitMood,
    BookTraitVote,
    BookTraitWarning,
    ContentWarning,
    Quote,
)


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ("summary", "user", "book", "privacy", "spoiler", "likes_count", "created_at")
    list_filter = ("privacy", "spoiler")
    list_select_related = ("user", "book")
    search_fields = ("text", "user__username", "book__title")
    autocomplete_fields = ("user", "book")
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "created_at"

    @admin.display(description="quote", ordering="text")
    def summary(self, quote: Quote) -> str:
        return truncatechars(quote.text, 60)


@admin.register(ContentWarning)
class ContentWarningAdmin(admin.ModelAdmin):
    """The curated list readers tag books from: staff add names here (or `addContentWarning`)."""

    list_display = ("name", "created_at")
    search_fields = ("name",)
    readonly_fields = ("created_at",)


class BookTraitMoodInline(admin.TabularInline):
    model = BookTraitMood
    fields = ("mood",)
    extra = 0


class BookTraitWarningInline(admin.TabularInline):
    model = BookTraitWarning
    fields = ("warning", "severity")
    autocomplete_fields = ("warning",)
    extra = 0


@admin.register(BookTraitVote)
class BookTraitVoteAdmin(admin.ModelAdmin):
    list_display = ("user", "book", "pace", "driver", "updated_at")
    list_filter = ("pace", "driver")
    list_select_related = ("user", "book")
    search_fields = ("user__username", "book__title")
    autocomplete_fields = ("user", "book")
    readonly_fields = ("created_at", "updated_at")
    inlines = [BookTraitMoodInline, BookTraitWarningInline]

    def save_formset(self, request, form, formset, change):
        # A vote's moods and warnings repeat its book (for filters): set it on new rows.
        for row in formset.save(commit=False):
            row.book_id = form.instance.book_id
            row.save()
        for row in formset.deleted_objects:
            row.delete()
        formset.save_m2m()
