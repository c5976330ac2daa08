"""The catalogue: authors, genres, series and books, shared by every reader."""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from apps.core.models import TimeStampedModel, choices_check
from apps.core.text import name_key

# \A and \Z, not ^ and $: Python's $ (SQLite's REGEXP) also matches before a final newline.
ISBN10_RE = r"\A[0-9]{9}[0-9X]\Z"
ISBN13_RE = r"\A97[89][0-9]{10}\Z"


def _unique_when_set(field: str, name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=[field], condition=~Q(**{field: ""}), name=name)


def author_photo_path(author: "Author", filename: str) -> str:
    return f"authors/{author.pk or 'new'}/{filename}"


class Author(TimeStampedModel):
    """A person who wrote, translated, illustrated, edited or narrated books.

    `name_key` is the folded name (see `apps.core.text.name_key`) under which imports
    recognise an author they have seen before.
    """

    name = models.CharField(max_length=255)
    sort_name = models.CharField(max_length=255, blank=True, help_text='"Tolkien, J. R. R."')
    name_key = models.CharField(max_length=255, db_index=True, editable=False)
    bio = models.TextField(blank=True)
    photo = models.ImageField(upload_to=author_photo_path, blank=True, max_length=300)
    birth_year = models.SmallIntegerField(null=True, blank=True)
    death_year = models.SmallIntegerField(null=True, blank=True)
    openlibrary_id = models.CharField(max_length=32, blank=True, help_text="e.g. OL26320A")
    goodreads_id = models.CharField(max_length=32, blank=True)
    wikidata_id = models.CharField(max_length=32, blank=True, help_text="e.g. Q892")

    class Meta:
        ordering = ["sort_name", "name", "id"]
        indexes = [models.Index(Lower("name"), name="author_name_lower")]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="author_name_not_empty"),
            models.CheckConstraint(condition=~Q(name_key=""), name="author_name_key_not_empty"),
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True)
                | Q(death_year__isnull=True)
                | Q(death_year__gte=F("birth_year")),
                name="author_death_after_birth",
            ),
            _unique_when_set("openlibrary_id", "author_openlibrary_id_unique"),
            _unique_when_set("goodreads_id", "author_goodreads_id_unique"),
            _unique_when_set("wikidata_id", "author_wikidata_id_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        if not self.sort_name:
            self.sort_name = sort_name_for(self.name)
        super().save(*args, **kwargs)


def sort_name_for(name: str) -> str:
    """ "Ursula K. Le Guin" → "Le Guin, Ursula K." for common particles; otherwise "Last, First"."""
    parts = name.split()
    suffix = ""
    if len(parts) > 2 and parts[-1].lower().strip(".,") in {"jr", "sr", "ii", "iii", "iv"}:
        suffix = " " + parts.pop().lstrip(",")
        parts[-1] = parts[-1].rstrip(",")
    if len(parts) < 2:
        return name
    particles = {"le", "la", "de", "du", "van", "von", "der", "den", "da", "di", "del", "st."}
    cut = len(parts) - 1
    while cut > 1 and parts[cut - 1].lower() in particles:
        cut -= 1
    return f"{' '.join(parts[cut:])}, {' '.join(parts[:cut])}{suffix}"


class Genre(models.Model):
    """A genre or subject; genres form a tree through `parent` ("Fantasy" > "Epic fantasy")."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="genre_name_ci_unique"),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="genre_not_own_parent"),
            models.CheckConstraint(condition=~Q(slug=""), name="genre_slug_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class Series(TimeStampedModel):
    """A series of books ("The Hunger Games"); a book's place in it is `Book.series_position`."""

    name = models.CharField(max_length=255)
    name_key = models.CharField(max_length=255, unique=True, editable=False)
    description = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "series"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="series_name_not_empty"),
            models.CheckConstraint(condition=~Q(name_key=""), name="series_name_key_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)


class BookFormat(models.TextChoices):
    UNKNOWN = "", "Unknown"
    HARDCOVER = "hardcover", "Hardcover"
    PAPERBACK = "paperback", "Paperback"
    EBOOK = "ebook", "E-book"
    AUDIOBOOK = "audiobook", "Audiobook"
    OTHER = "other", "Other"


def cover_path(book: "Book", filename: str) -> str:
    return f"covers/{book.pk or 'new'}/{filename}"


class Book(TimeStampedModel):
    """A book in the catalogue.

    ISBNs are stored normalised (digits, `X` check digit) and each is unique when present.
    Years may be negative (BCE). `average_rating` and `ratings_count` are kept in step with
    `reading.Rating` by the rating services, so lists can sort on them without aggregating;
    `source_ratings_count` is set by catalogue imports only and is never mixed with them.
    """

    title = models.CharField(max_length=500)
    original_title = models.CharField(
        max_length=500, blank=True, help_text="Title in the original language, when different."
    )
    subtitle = models.CharField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    language = models.CharField(max_length=16, blank=True, help_text="BCP 47 tag, e.g. en, en-US")
    pages = models.PositiveIntegerField(null=True, blank=True)
    publisher = models.CharField(max_length=255, blank=True)
    format = models.CharField(max_length=12, choices=BookFormat.choices, blank=True, default="")
    publication_year = models.SmallIntegerField(null=True, blank=True)
    original_publication_year = models.SmallIntegerField(null=True, blank=True)
    isbn10 = models.CharField("ISBN-10", max_length=10, blank=True)
    isbn13 = models.CharField("ISBN-13", max_length=13, blank=True)
    openlibrary_id = models.CharField(max_length=32, blank=True, help_text="e.g. OL7353617M")
    openlibrary_work_id = models.CharField(
        max_length=32, blank=True, help_text="Open Library work key, e.g. OL27448W"
    )
    goodreads_id = models.CharField(max_length=32, blank=True)
    cover = models.ImageField(upload_to=cover_path, blank=True, max_length=300)
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.SET_NULL, related_name="books"
    )
    series_position = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    average_rating = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("0"))
    ratings_count = models.PositiveIntegerField(default=0)
    source_ratings_count = models.PositiveIntegerField(
        default=0,
        help_text="Ratings count at the source the book was imported from (e.g. Goodreads): "
        "a popularity signal before BookNest has its own ratings.",
    )
    genres = models.ManyToManyField(Genre, related_name="books", blank=True)
    authors = models.ManyToManyField(Author, through="BookAuthor", related_name="books", blank=True)

    class Meta:
        ordering = ["title", "id"]
        permissions = [("librarian", "Can edit the catalogue")]
        indexes = [
            models.Index(Lower("title"), name="book_title_lower"),
            models.Index(fields=["language"], name="book_language"),
            models.Index(fields=["original_publication_year", "id"], name="book_year"),
            models.Index(fields=["-average_rating", "id"], name="book_avg_rating"),
            models.Index(fields=["-ratings_count", "id"], name="book_ratings_count"),
            models.Index(fields=["-source_ratings_count", "id"], name="book_source_ratings_count"),
            models.Index(fields=["-created_at", "id"], name="book_recent"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="book_title_not_empty"),
            _unique_when_set("isbn10", "book_isbn10_unique"),
            _unique_when_set("isbn13", "book_isbn13_unique"),
            _unique_when_set("openlibrary_id", "book_openlibrary_id_unique"),
            _unique_when_set("goodreads_id", "book_goodreads_id_unique"),
            _unique_when_set("openlibrary_work_id", "book_openlibrary_work_id_unique"),
            models.CheckConstraint(
                condition=Q(isbn10="") | Q(isbn10__regex=ISBN10_RE), name="book_isbn10_format"
            ),
            models.CheckConstraint(
                condition=Q(isbn13="") | Q(isbn13__regex=ISBN13_RE), name="book_isbn13_format"
            ),
            models.CheckConstraint(
                condition=Q(pages__isnull=True) | Q(pages__gt=0), name="book_pages_positive"
            ),
            models.CheckConstraint(
                condition=Q(average_rating__gte=0) & Q(average_rating__lte=5),
                name="book_average_rating_range",
            ),
            models.CheckConstraint(
                condition=Q(series_position__isnull=True)
                | (Q(series__isnull=False) & Q(series_position__gte=0)),
                name="book_series_position_needs_series",
            ),
            choices_check("format", BookFormat, "book_format_valid"),
        ]

    def __str__(self) -> str:
        return self.title


# The fields of a `Book` that describe its default edition (kept in step by
# `apps.catalog.editions`, readable on the book for one release).
EDITION_FIELDS_ON_BOOK = (
    "isbn10",
    "isbn13",
    "format",
    "subtitle",
    "language",
    "publisher",
    "publication_year",
    "pages",
    "cover",
)


def edition_cover_path(edition: "Edition", filename: str) -> str:
    return f"covers/editions/{edition.pk or 'new'}/{filename}"


class Edition(TimeStampedModel):
    """One published form of a book (the work): a hardcover, an e-book, a translation …

    ISBNs are stored normalised and are unique across all editions. Exactly one edition of a
    book with editions is its default (`is_default`, at most one per book by a constraint);
    the book's own edition fields mirror it (see `apps.catalog.editions`).
    `publication_year` may be negative (BCE); `published_date`, when known, is in that year.
    """

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="editions")
    is_default = models.BooleanField(default=False)
    isbn10 = models.CharField("ISBN-10", max_length=10, blank=True)
    isbn13 = models.CharField("ISBN-13", max_length=13, blank=True)
    format = models.CharField(max_length=12, choices=BookFormat.choices, blank=True, default="")
    title = models.CharField(max_length=500)
    subtitle = models.CharField(max_length=500, blank=True)
    language = models.CharField(max_length=16, blank=True, help_text="BCP 47 tag, e.g. en, en-US")
    publisher = models.CharField(max_length=255, blank=True)
    publication_year = models.SmallIntegerField(null=True, blank=True)
    published_date = models.DateField(null=True, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="Running time of an audiobook."
    )
    cover = models.ImageField(upload_to=edition_cover_path, blank=True, max_length=300)
    openlibrary_id = models.CharField(max_length=32, blank=True, help_text="e.g. OL7353617M")

    class Meta:
        ordering = ["book", "id"]
        indexes = [
            models.Index(fields=["book", "id"], name="edition_book_order"),
            models.Index(Lower("title"), name="edition_title_lower"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="edition_title_not_empty"),
            models.UniqueConstraint(
                fields=["book"], condition=Q(is_default=True), name="edition_one_default_per_book"
            ),
            _unique_when_set("isbn10", "edition_isbn10_unique"),
            _unique_when_set("isbn13", "edition_isbn13_unique"),
            _unique_when_set("openlibrary_id", "edition_openlibrary_id_unique"),
            models.CheckConstraint(
                condition=Q(isbn10="") | Q(isbn10__regex=ISBN10_RE), name="edition_isbn10_format"
            ),
            models.CheckConstraint(
                condition=Q(isbn13="") | Q(isbn13__regex=ISBN13_RE), name="edition_isbn13_format"
            ),
            models.CheckConstraint(
                condition=Q(pages__isnull=True) | Q(pages__gt=0), name="edition_pages_positive"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True) | Q(duration_minutes__gt=0),
                name="edition_duration_positive",
            ),
            choices_check("format", BookFormat, "edition_format_valid"),
        ]

    def __str__(self) -> str:
        label = self.get_format_display() if self.format else "edition"
        return f"{self.title} ({label}{', ' + self.isbn13 if self.isbn13 else ''})"


class AuthorRole(models.TextChoices):
    AUTHOR = "author", "Author"
    TRANSLATOR = "translator", "Translator"
    ILLUSTRATOR = "illustrator", "Illustrator"
    EDITOR = "editor", "Editor"
    NARRATOR = "narrator", "Narrator"


class BookAuthor(models.Model):
    """One contributor of a book, with their role and place in the byline."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="contributions")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="contributions")
    role = models.CharField(max_length=12, choices=AuthorRole.choices, default=AuthorRole.AUTHOR)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["book", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["book", "author", "role"], name="book_author_role_once"
            ),
            choices_check("role", AuthorRole, "book_author_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.author} ({self.role}) of {self.book}"


class BookRedirect(models.Model):
    """The id of a book merged into `book`: links and cached ids of the old book keep working.

    Merging again moves these rows to the new survivor, so a chain of merges never needs more
    than one hop. Ids are never reused (both databases use non-recycling sequences).
    """

    old_id = models.PositiveBigIntegerField(unique=True)
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_id"]

    def __str__(self) -> str:
        return f"book {self.old_id} → {self.book_id}"


class AuthorRedirect(models.Model):
    """The id of an author merged into `author` (see `BookRedirect`)."""

    old_id = models.PositiveBigIntegerField(unique=True)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_id"]

    def __str__(self) -> str:
        return f"author {self.old_id} → {self.author_id}"
