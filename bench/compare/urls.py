"""BookNest's URLs plus `/bench/floor/<id>` and `/bench/drf/<id>` (the book page, two other ways)."""

from django.urls import path

from bench.compare.views import BookPageView, floor_book_page
from booknest.urls import urlpatterns as booknest_urlpatterns

urlpatterns = [
    *booknest_urlpatterns,
    path("bench/floor/<int:book_id>", floor_book_page, name="bench-floor"),
    path("bench/drf/<int:book_id>", BookPageView.as_view(), name="bench-drf"),
]
