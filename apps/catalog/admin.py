"""Admin for the catalogue: authors, genres, series, books and who contributed to them."""

from django.contrib import admin
from django.db.models import Count, Prefetch, Q

from apps.catalog import isbn
from apps.catalog.editions import mirror_default, sync_from_book
from apps.catalog.models import (
    Author,
    AuthorRedirect,
    Book,
    BookAuthor,
    BookRedirect,
    Edition,
    Genre,
    Series,
)


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ("name", "sort_name", "birth_year", "death_year", "openlibrary_id", "created_at")
    list_filter = (("photo", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("name", "sort_name", "=openlibrary_id", "=goodreads_id", "=wikidata_id")
    readonly_fields = ("name_key", "created_at", "updated_at")


@admin.register(Genre)
class GenreAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "parent", "book_count")
    ordering = ("name",)  # Meta.ordering does not survive the count's GROUP BY
    list_select_related = ("parent",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(book_count=Count("books"))

    @admin.display(description="books", ordering="book_count")
    def book_count(self, genre: Genre) -> int:
        return genre.book_count


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ("name", "book_count", "created_at")
    ordering = ("name",)  # Meta.ordering does not survive the count's GROUP BY
    search_fields = ("name", "name_key")
    readonly_fields = ("name_key", "created_at", "updated_at")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(book_count=Count("books"))

    @admin.display(description="books", ordering="book_count")
    def book_count(self, series: Series) -> int:
        return series.book_count


class BookAuthorInline(admin.TabularInline):
    model = BookAuthor
    fields = ("author", "role", "position")
    autocomplete_fields = ("author",)
    extra = 0


class EditionInline(admin.TabularInline):
    """A book's editions, to look at: they are edited on their own page (or by the API), so the
    book's edition fields keep mirroring its default edition."""

    model = Edition
    fields = ("is_default", "format", "title", "language", "isbn13", "pages", "publisher")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ("title", "book", "format", "language", "isbn13", "is_default", "created_at")
    list_filter = ("format", "is_default", "language")
    list_select_related = ("book",)
    search_fields = ("title", "=isbn10", "=isbn13", "=openlibrary_id", "book__title")
    autocomplete_fields = ("book",)
    # The default is chosen with `setDefaultEdition`, which keeps one per book.
    readonly_fields = ("is_default", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not Edition.objects.filter(book_id=obj.book_id, is_default=True).exists():
            Edition.objects.filter(pk=obj.pk).update(is_default=True)
        mirror_default(obj.book)


@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "byline",
        "isbn13",
        "language",
        "format",
        "original_publication_year",
        "average_rating",
        "ratings_count",
        "created_at",
    )
    list_filter = ("format", "language", ("cover", admin.EmptyFieldListFilter), "genres")
    list_select_related = ("series",)
    search_fields = (
        "title",
        "subtitle",
        "=isbn10",
        "=isbn13",
        "=openlibrary_id",
        "=goodreads_id",
        "contributions__author__name",
    )
    autocomplete_fields = ("series", "genres")
    readonly_fields = (
        "average_rating",
        "ratings_count",
        "source_ratings_count",
        "created_at",
        "updated_at",
    )
    date_hierarchy = "created_at"
    inlines = [BookAuthorInline, EditionInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        sync_from_book(obj)  # its default edition (created, or given the edition fields)

    def get_queryset(self, request):
        contributions = BookAuthor.objects.select_related("author").order_by("position", "id")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("contributions", queryset=contributions))
        )

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # An ISBN pasted with hyphens or spaces, or as the other kind, still finds its book.
        isbn10, isbn13 = isbn.normalize(search_term)
        if isbn13:
            by_isbn = Q(isbn13=isbn13)
            if isbn10:
                by_isbn |= Q(isbn10=isbn10)
            results |= queryset.filter(by_isbn)
        return results, may_have_duplicates

    @admin.display(description="by")
    def byline(self, book: Book) -> str:
        return ", ".join(c.author.name for c in book.contributions.all())


@admin.register(BookAuthor)
class BookAuthorAdmin(admin.ModelAdmin):
    list_display = ("book", "author", "role", "position")
    list_filter = ("role",)
    list_select_related = ("book", "author")
    search_fields = ("book__title", "=book__isbn13", "author__name")
    autocomplete_fields = ("book", "author")


@admin.register(BookRedirect)
class BookRedirectAdmin(admin.ModelAdmin):
    """Ids of merged-away books and the survivor each now means (written by `mergeBooks`)."""

    list_display = ("old_id", "book", "created_at")
    list_select_related = ("book",)
    search_fields = ("=old_id", "book__title")
    autocomplete_fields = ("book",)
    readonly_fields = ("created_at",)


@admin.register(AuthorRedirect)
class AuthorRedirectAdmin(admin.ModelAdmin):
    """Ids of merged-away authors and the survivor each now means (written by `mergeAuthors`)."""

    list_display = ("old_id", "author", "created_at")
    list_select_related = ("author",)
    search_fields = ("=old_id", "author__name")
    autocomplete_fields = ("author",)
    readonly_fields = ("created_at",)
