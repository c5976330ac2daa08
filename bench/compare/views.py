"""The book page two other ways, for `bench.throughput`: the floor and a DRF endpoint.

Both answer what BookNest answers to `bench.throughput.BOOK_PAGE` for an anonymous reader: the
book, its authors (byline order) and genres (by name), the rating summary, and the 20 newest
public reviews with their readers' names, in the same JSON envelope (`{"data": {"book": …}}`).

- `floor_book_page`: a plain synchronous Django view with the fewest ORM queries that give the
  payload (values lists, one join for the reviews) and `JsonResponse`. Nothing to resolve, no
  objects built that are not needed: the fastest Django can be on this database.
- `BookPageView`: what a REST stack usually looks like: a DRF `RetrieveAPIView`, model
  serializers nested for authors, genres and reviews, `prefetch_related` for the relations.
"""

from decimal import Decimal

from django.db.models import Count, Prefetch
from django.http import Http404, JsonResponse
from rest_framework import generics, serializers
from rest_framework.response import Response
from strawberry.relay import to_base64

from apps.accounts.models import User
from apps.catalog.models import Author, AuthorRole, Book, BookAuthor, Genre
from apps.core.models import Privacy
from apps.reading.models import RATING_VALUES, Rating, Review

REVIEWS = 20


def rating_summary(book_id: int) -> dict:
    """Average (2 decimals), count and the histogram of every value, zeros included."""
    counts = dict(
        Rating.objects.filter(book_id=book_id)
        .values("value")
        .annotate(n=Count("id"))
        .values_list("value", "n")
    )
    histogram = {value: counts.get(value, 0) for value in RATING_VALUES}
    count = sum(histogram.values())
    total = sum((value * n for value, n in histogram.items()), Decimal(0))
    return {
        "average": round(float(total / count), 2) if count else 0.0,
        "count": count,
        "histogram": [{"value": float(v), "count": n} for v, n in histogram.items()],
    }


def floor_book_page(request, book_id: int) -> JsonResponse:
    """The book page with the best ORM queries and nothing else (the floor)."""
    title = Book.objects.filter(pk=book_id).values_list("title", flat=True).first()
    if title is None:
        return JsonResponse({"data": {"book": None}})
    authors = BookAuthor.objects.filter(book_id=book_id, role=AuthorRole.AUTHOR).order_by(
        "position", "id"
    )
    genres = Genre.objects.filter(books=book_id).order_by("name")
    reviews = Review.objects.filter(book_id=book_id, privacy=Privacy.PUBLIC)
    newest = reviews.order_by("-created_at", "-id").values_list(
        "title", "body", "user__username", "user__profile__display_name"
    )[:REVIEWS]
    book = {
        "id": to_base64("Book", book_id),
        "title": title,
        "authors": [{"name": name} for name in authors.values_list("author__name", flat=True)],
        "genres": [{"name": name} for name in genres.values_list("name", flat=True)],
        "ratingSummary": rating_summary(book_id),
        "reviews": {
            "totalCount": reviews.count(),
            "edges": [
                {
                    "node": {
                        "title": review_title,
                        "body": body,
                        "user": {"username": username, "displayName": display_name or username},
                    }
                }
                for review_title, body, username, display_name in newest
            ],
        },
    }
    return JsonResponse({"data": {"book": book}})


class NameSerializer(serializers.ModelSerializer):
    class Meta:
        model = Author
        fields = ["name"]


class GenreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Genre
        fields = ["name"]


class ReviewerSerializer(serializers.ModelSerializer):
    displayName = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["username", "displayName"]

    def get_displayName(self, user: User) -> str:
        profile = getattr(user, "profile", None)
        return (profile.display_name if profile else "") or user.username


class ReviewSerializer(serializers.ModelSerializer):
    user = ReviewerSerializer()

    class Meta:
        model = Review
        fields = ["title", "body", "user"]


class BookPageSerializer(serializers.ModelSerializer):
    """A book page in the usual DRF style: nested model serializers and method fields."""

    id = serializers.SerializerMethodField()
    authors = serializers.SerializerMethodField()
    genres = GenreSerializer(many=True)
    ratingSummary = serializers.SerializerMethodField()
    reviews = serializers.SerializerMethodField()

    class Meta:
        model = Book
        fields = ["id", "title", "authors", "genres", "ratingSummary", "reviews"]

    def get_id(self, book: Book) -> str:
        return to_base64("Book", book.pk)

    def get_authors(self, book: Book) -> list:
        return NameSerializer([c.author for c in book.author_credits], many=True).data

    def get_ratingSummary(self, book: Book) -> dict:
        return rating_summary(book.pk)

    def get_reviews(self, book: Book) -> dict:
        reviews = Review.objects.filter(book=book, privacy=Privacy.PUBLIC)
        newest = reviews.select_related("user", "user__profile").order_by("-created_at", "-id")
        return {
            "totalCount": reviews.count(),
            "edges": [
                {"node": node} for node in ReviewSerializer(newest[:REVIEWS], many=True).data
            ],
        }


class BookPageView(generics.RetrieveAPIView):
    """`GET /bench/drf/<id>`: the book page through DRF."""

    serializer_class = BookPageSerializer
    lookup_url_kwarg = "book_id"
    queryset = Book.objects.prefetch_related(
        Prefetch("genres", queryset=Genre.objects.order_by("name")),
        Prefetch(
            "contributions",
            queryset=BookAuthor.objects.filter(role=AuthorRole.AUTHOR)
            .select_related("author")
            .order_by("position", "id"),
            to_attr="author_credits",
        ),
    )

    def retrieve(self, request, *args, **kwargs):
        try:
            book = self.get_object()
        except Http404:
            return Response({"data": {"book": None}})
        return Response({"data": {"book": self.get_serializer(book).data}})
