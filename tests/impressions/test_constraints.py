"""The database refuses quotes and book tags that break a rule, whatever code path writes them."""

import pytest
from django.db import IntegrityError, transaction

from apps.impressions.models import (
    BookTraitMood,
    BookTraitVote,
    BookTraitWarning,
    ContentWarning,
    Quote,
)
from tests.factories import make_book, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fields", [{"text": ""}, {"text": "x", "privacy": "friends"}])
def test_quote_refuses_broken_rows(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Quote.objects.create(user=make_user(), book=make_book(), **fields)


def test_content_warning_names_are_unique_in_any_case_and_not_empty():
    ContentWarning.objects.create(name="Spiders")
    for name in ("spiders", ""):
        with pytest.raises(IntegrityError), transaction.atomic():
            ContentWarning.objects.create(name=name)


def test_a_reader_tags_a_book_once_with_known_values():
    user, book = make_user(), make_book()
    vote = BookTraitVote.objects.create(user=user, book=book, pace="slow", driver="plot")
    for fields in ({"user": user, "book": book}, {"pace": "brisk"}, {"driver": "vibes"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            BookTraitVote.objects.create(**{"user": make_user(), "book": book, **fields})
    BookTraitMood.objects.create(vote=vote, book=book, mood="dark")
    for mood in ("dark", "gloomy"):
        with pytest.raises(IntegrityError), transaction.atomic():
            BookTraitMood.objects.create(vote=vote, book=book, mood=mood)
    warning = ContentWarning.objects.get(name="Violence")
    BookTraitWarning.objects.create(vote=vote, book=book, warning=warning, severity="minor")
    with pytest.raises(IntegrityError), transaction.atomic():
        BookTraitWarning.objects.create(vote=vote, book=book, warning=warning, severity="graphic")
    with pytest.raises(IntegrityError), transaction.atomic():
        BookTraitWarning.objects.create(
            vote=vote, book=book, warning=ContentWarning.objects.get(name="War"), severity="x"
        )
