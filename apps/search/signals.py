"""Receivers that keep search documents in step with every change (indexed after commit).

A book's document carries its authors' and series' names, so changing an author or a series
re-indexes their books; an author's document carries their books' popularity.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from apps.accounts.models import Profile, User
from apps.catalog.importer import catalog_imported
from apps.catalog.merge import authors_merged, books_merged
from apps.catalog.models import Author, Book, BookAuthor, Edition, Series
from apps.impressions.models import Quote
from apps.reading.models import Rating, ReadingList, ReadingListItem
from apps.search.indexing import rebuild, schedule
from apps.search.models import Kind


@receiver([post_save, post_delete], sender=Book)
def book_changed(sender, instance, **kwargs):
    schedule(Kind.BOOK, [instance.pk])


@receiver([post_save, post_delete], sender=Edition)
def edition_changed(sender, instance, **kwargs):
    # A book's document carries its editions' titles.
    schedule(Kind.BOOK, [instance.book_id])


@receiver([post_save, post_delete], sender=Rating)
def rating_changed(sender, instance, **kwargs):
    # The rating services update the book's average and count with an UPDATE (no signal);
    # by the time the transaction commits, the book holds the new figures.
    schedule(Kind.BOOK, [instance.book_id])


@receiver(books_merged)
def books_were_merged(sender, survivor, duplicate_ids, **kwargs):
    schedule(Kind.BOOK, [survivor.pk, *duplicate_ids])


@receiver(catalog_imported)
def catalog_was_imported(sender, result, **kwargs):
    # A catalogue import writes thousands of books in bulk: rebuilding is faster than one
    # document at a time, and also drops documents of nothing that no longer exists.
    rebuild([Kind.BOOK, Kind.AUTHOR])


@receiver(authors_merged)
def authors_were_merged(sender, survivor, duplicate_ids, **kwargs):
    schedule(Kind.AUTHOR, [survivor.pk, *duplicate_ids])
    schedule(Kind.BOOK, survivor.books.values_list("pk", flat=True))


@receiver([post_save, post_delete], sender=BookAuthor)
def contribution_changed(sender, instance, **kwargs):
    schedule(Kind.BOOK, [instance.book_id])
    schedule(Kind.AUTHOR, [instance.author_id])


@receiver(m2m_changed, sender=Book.authors.through)
def authors_changed(sender, instance, action, pk_set, reverse, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:  # author.books.add(...)
        schedule(Kind.AUTHOR, [instance.pk])
        schedule(Kind.BOOK, pk_set or instance.books.values_list("pk", flat=True))
    else:
        schedule(Kind.BOOK, [instance.pk])
        schedule(Kind.AUTHOR, pk_set or [])


@receiver(post_save, sender=Author)
def author_saved(sender, instance, created, **kwargs):
    schedule(Kind.AUTHOR, [instance.pk])
    if not created:
        schedule(Kind.BOOK, instance.books.values_list("pk", flat=True))


@receiver(post_delete, sender=Author)
def author_deleted(sender, instance, **kwargs):
    schedule(Kind.AUTHOR, [instance.pk])


@receiver(post_save, sender=Series)
def series_saved(sender, instance, created, **kwargs):
    if not created:
        schedule(Kind.BOOK, instance.books.values_list("pk", flat=True))


@receiver(pre_delete, sender=Series)
def series_deleted(sender, instance, **kwargs):
    # Its books lose the series by an UPDATE, which sends no signal: collect them now.
    schedule(Kind.BOOK, instance.books.values_list("pk", flat=True))


@receiver([post_save, post_delete], sender=User)
def user_changed(sender, instance, **kwargs):
    schedule(Kind.USER, [instance.pk])


@receiver([post_save, post_delete], sender=Profile)
def profile_changed(sender, instance, **kwargs):
    schedule(Kind.USER, [instance.user_id])
    # A reader's quotes are as private as their profile too.
    schedule(
        Kind.QUOTE, Quote.objects.filter(user_id=instance.user_id).values_list("pk", flat=True)
    )


@receiver([post_save, post_delete], sender=Quote)
def quote_changed(sender, instance, **kwargs):
    schedule(Kind.QUOTE, [instance.pk])


@receiver([post_save, post_delete], sender=ReadingList)
def reading_list_changed(sender, instance, **kwargs):
    schedule(Kind.LIST, [instance.pk])


@receiver([post_save, post_delete], sender=ReadingListItem)
def reading_list_item_changed(sender, instance, **kwargs):
    schedule(Kind.LIST, [instance.reading_list_id])
