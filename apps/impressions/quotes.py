"""Quotes: passages readers keep from books, each with its own privacy and spoiler flag.

Only the reader who kept a quote changes it; someone who may not see it gets NOT_FOUND, someone
who may see it NOT_ALLOWED (the rule of reviews). Who sees a quote: its privacy (`visible_q`)
and its reader's profile privacy, as for their shelves, and moderation: a quote moderators hid
(`moderation_status`, a report's HIDE_CONTENT) or of a suspended reader is seen by its reader
only. Readers like quotes (`apps.conversation.likes`, which keeps `likes_count` exact: it orders
POPULAR) and report them (`apps.moderation.subjects`, registered in `register_report_subject`).
"""

from django.db import transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from apps.core.errors import Invalid, NotAllowed, NotFound
from apps.core.models import Privacy
from apps.core.validation import clean_text
from apps.impressions.models import Quote
from apps.reading.selectors import profile_visible_q
from apps.reading.services._common import check_privacy, get_book
from apps.social.visibility import can_see, visible_q

TEXT_MAX = 2_000
ORDERS = {
    "newest": ("-created_at", "-id"),
    "popular": ("-likes_count", "-created_at", "-id"),
}


def quote_visible_q(viewer, prefix: str = "") -> Q:
    """Quotes (or `prefix`-ed relations to them) `viewer` may see: the quote's own privacy and
    moderation, and its reader's profile privacy."""
    return visible_q(viewer, owner=f"{prefix}user", privacy=f"{prefix}privacy") & (
        profile_visible_q(viewer, owner=f"{prefix}user")
    )


def count_like(quote_id: int, change: int) -> None:
    """`likes_count` follows a like taken (+1) or given back (-1), in the caller's transaction
    (an F() update: concurrent likes each count)."""
    Quote.objects.filter(pk=quote_id).update(likes_count=F("likes_count") + change)


def recount_likes(quote_ids) -> None:
    """`likes_count` counted again from the likes left (a liker's account deleted)."""
    from apps.conversation.models import Like

    likes = (
        Like.objects.filter(quote=OuterRef("pk"))
        .values("quote")
        .annotate(n=Count("id"))
        .values("n")
    )
    Quote.objects.filter(pk__in=list(quote_ids)).update(
        likes_count=Coalesce(Subquery(likes, output_field=IntegerField()), 0)
    )


def register_report_subject() -> None:
    """Quotes are reportable (`report(subjectId:)`) and can be hidden by moderators."""
    from apps.moderation.subjects import SubjectKind, hide_content, register

    register(
        SubjectKind(
            "Quote",
            Quote,
            "user",
            lambda viewer: Quote.objects.filter(quote_visible_q(viewer)),
            hide_content,  # only its reader sees it from now on
        )
    )


def book_quotes(book_id: int, order: str = "newest") -> QuerySet[Quote]:
    """Quotes of a book, in `order` (visibility is the GraphQL type's `get_queryset`)."""
    return Quote.objects.filter(book_id=book_id).order_by(*ORDERS[order])


def user_quotes(user_id: int) -> QuerySet[Quote]:
    return Quote.objects.filter(user_id=user_id).order_by(*ORDERS["newest"])


def add_quote(
    user,
    book_id: int,
    *,
    text: str,
    page: int | None = None,
    privacy: str = Privacy.PUBLIC,
    spoiler: bool = False,
) -> Quote:
    """Keep a passage of a book. `page` is where it is, when given (not beyond the book's
    last page when that is known)."""
    text = clean_text(text, field="text", max_length=TEXT_MAX, required=True)
    privacy = check_privacy(privacy)
    with transaction.atomic():
        book = get_book(book_id)
        page = _check_page(page, book.pages)
        return Quote.objects.create(
            user=user, book=book, text=text, page=page, privacy=privacy, spoiler=spoiler
        )


def update_quote(
    user,
    quote_id: int,
    *,
    text: str | None = None,
    page: int | None = None,
    privacy: str | None = None,
    spoiler: bool | None = None,
) -> Quote:
    """Change a quote; what is left out (None) stays."""
    if text is not None:
        text = clean_text(text, field="text", max_length=TEXT_MAX, required=True)
    if privacy is not None:
        privacy = check_privacy(privacy)
    with transaction.atomic():
        quote = _own_quote(user, quote_id)
        if page is not None:
            quote.page = _check_page(page, quote.book.pages)
        for field, value in (("text", text), ("privacy", privacy), ("spoiler", spoiler)):
            if value is not None:
                setattr(quote, field, value)
        quote.save()
    return quote


def delete_quote(user, quote_id: int) -> int:
    """Delete a quote; returns its id."""
    with transaction.atomic():
        quote = _own_quote(user, quote_id)
        pk = quote.pk
        quote.delete()
    return pk


def _own_quote(user, quote_id: int) -> Quote:
    quote = Quote.objects.select_for_update().select_related("book").filter(pk=quote_id).first()
    if quote is None or (
        quote.user_id != user.pk
        and not can_see(user, quote.user_id, quote.privacy, quote.moderation_status)
    ):
        raise NotFound("No quote with this id.", field="id")
    if quote.user_id != user.pk:
        raise NotAllowed("Only the reader who kept a quote may change it.", field="id")
    return quote


def _check_page(page: int | None, pages: int | None) -> int | None:
    if page is None:
        return None
    if page < 1:
        raise Invalid("A page is 1 or more.", field="page")
    if pages is not None and page > pages:
        raise Invalid(f"This book has {pages} pages.", field="page")
    return page
