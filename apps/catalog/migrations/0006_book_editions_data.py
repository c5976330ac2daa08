"""Every book gets one edition, its default, from its own ISBNs and edition fields.

Nothing is taken from the book: its fields stay (they mirror the default edition from now on).
Backwards, each book takes its default edition's fields back and the editions are deleted
(editions other than the default have no place in the old schema and are dropped).
"""

from django.db import migrations

FIELDS = (
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
BATCH = 1000


def create_editions(apps, schema_editor):
    Book = apps.get_model("catalog", "Book")
    Edition = apps.get_model("catalog", "Edition")
    batch = []
    books = Book.objects.filter(editions__isnull=True).order_by("pk")
    for book in books.iterator(chunk_size=BATCH):
        edition = Edition(book_id=book.pk, is_default=True, title=book.title)
        for name in FIELDS:
            setattr(edition, name, getattr(book, name))
        # A book's Open Library key is an edition's (OL…M) or a work's (OL…W).
        if book.openlibrary_id.endswith("M"):
            edition.openlibrary_id = book.openlibrary_id
        batch.append(edition)
        if len(batch) >= BATCH:
            Edition.objects.bulk_create(batch)
            batch = []
    Edition.objects.bulk_create(batch)


def restore_books(apps, schema_editor):
    Book = apps.get_model("catalog", "Book")
    Edition = apps.get_model("catalog", "Edition")
    changed = []
    defaults = Edition.objects.filter(is_default=True).select_related("book").order_by("pk")
    for edition in defaults.iterator(chunk_size=BATCH):
        book = edition.book
        for name in FIELDS:
            setattr(book, name, getattr(edition, name))
        changed.append(book)
        if len(changed) >= BATCH:
            Book.objects.bulk_update(changed, FIELDS)
            changed = []
    Book.objects.bulk_update(changed, FIELDS)
    Edition.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_editions")]

    operations = [migrations.RunPython(create_editions, restore_books)]
