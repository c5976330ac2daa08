"""After two books merge, a reader who rated both has one rating and one "rated" activity."""

import pytest

from apps.catalog.merge import merge_books
from apps.reading.models import Rating
from apps.reading.services import rate_book
from apps.social.models import Activity, Verb
from tests.factories import make_book, make_superuser, make_user

pytestmark = pytest.mark.django_db


def test_merge_books_leaves_one_rated_activity_per_reader():
    survivor, duplicate = make_book(), make_book()
    reader, other = make_user(), make_user()
    rate_book(reader, survivor.pk, 3)
    rate_book(reader, duplicate.pk, 5)
    rate_book(other, duplicate.pk, 4)

    merge_books(make_superuser(), survivor.pk, [duplicate.pk])

    rated = Activity.objects.filter(book=survivor, verb=Verb.RATED)
    assert sorted(rated.values_list("actor__username", flat=True)) == sorted(
        [reader.username, other.username]
    )
    assert Rating.objects.filter(book=survivor).count() == 2
    # The newest of the reader's two activities stays, telling of the rating that stayed.
    kept = rated.get(actor=reader)
    assert kept.data["rating"] == float(Rating.objects.get(book=survivor, user=reader).value)
