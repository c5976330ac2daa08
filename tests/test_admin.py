"""Every model has a working admin: its list (with search), add and change pages open.

The tests walk `admin.site._registry`, so a newly registered model fails here until it has a
factory in FACTORIES and pages that render.
"""

from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core import checks
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import (
    EmailToken,
    PersonalAccessToken,
    PersonalDataExport,
    Profile,
    ProfileInterest,
    ProfileSocialLink,
    RefreshToken,
    Session,
    User,
)
from apps.accounts.personal_tokens import create_personal_access_token
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
from apps.conversation.models import Comment, Like
from apps.discovery.models import BookNeighbour, NeighbourRun
from apps.imports.models import ImportedBook, ImportJob, ImportRowError
from apps.impressions.models import BookTraitMood, BookTraitVote, ContentWarning, Quote
from apps.lending.models import BookCopy, Reservation
from apps.moderation.models import ModerationLogEntry, Report
from apps.notifications.models import Notification, NotificationPreference, NotificationType
from apps.operations.models import RegisteredOperation
from apps.operations.registry import sha256_of
from apps.reading.models import (
    JournalEntry,
    Rating,
    ReadingGoal,
    ReadingList,
    ReadingListItem,
    Review,
    UpNextItem,
    UserBook,
)
from apps.social.models import Activity, Block, Follow, Mute
from tests import factories as f

pytestmark = pytest.mark.django_db


def _make_report():
    from django.contrib.contenttypes.models import ContentType

    review = f.make_review()
    return Report.objects.create(
        reporter=f.make_user(),
        subject_type=ContentType.objects.get_for_model(review),
        subject_id=review.pk,
        subject_owner=review.user,
        reason="spam",
    )


def _make_registered_operation():
    n = f.next_number()
    body = f"query Op{n} {{ __typename }}"
    return RegisteredOperation.objects.create(
        sha256=sha256_of(body), body=body, operation_name=f"Op{n}"
    )


def _make_trait_vote():
    vote = BookTraitVote.objects.create(user=f.make_user(), book=f.make_book(), pace="fast")
    BookTraitMood.objects.create(vote=vote, book=vote.book, mood="dark")
    return vote


FACTORIES = {
    Group: lambda: Group.objects.create(name=f"Group {f.next_number()}"),
    RegisteredOperation: _make_registered_operation,
    User: f.make_user,
    Profile: f.make_profile,
    ProfileInterest: f.make_profile_interest,
    ProfileSocialLink: f.make_social_link,
    RefreshToken: f.make_refresh_token,
    Session: f.make_session,
    EmailToken: f.make_email_token,
    PersonalAccessToken: lambda: create_personal_access_token(f.make_user(), "sync", ["read"])[0],
    PersonalDataExport: lambda: PersonalDataExport.objects.create(user=f.make_user()),
    Author: f.make_author,
    Genre: f.make_genre,
    Series: f.make_series,
    Book: lambda: f.make_book(authors=[f.make_author()], genres=[f.make_genre()]),
    BookAuthor: f.make_book_author,
    Edition: lambda: f.make_book().editions.get(),
    BookRedirect: f.make_book_redirect,
    AuthorRedirect: f.make_author_redirect,
    UserBook: f.make_user_book,
    Rating: f.make_rating,
    Review: f.make_review,
    ReadingList: lambda: f.make_reading_list_item().reading_list,
    ReadingListItem: f.make_reading_list_item,
    ReadingGoal: f.make_reading_goal,
    Follow: f.make_follow,
    Activity: f.make_activity,
    Comment: f.make_comment,
    Like: f.make_like,
    NotificationType: f.make_notification_type,
    Notification: lambda: f.make_notification(target=f.make_book(), actor=f.make_user()),
    NotificationPreference: f.make_notification_preference,
    BookCopy: f.make_book_copy,
    Reservation: f.make_reservation,
    ImportJob: lambda: f.make_import_row_error().job,
    ImportRowError: f.make_import_row_error,
    ImportedBook: f.make_imported_book,
    BookNeighbour: f.make_book_neighbour,
    JournalEntry: lambda: JournalEntry.objects.create(
        user=(shelf := f.make_user_book()).user, user_book=shelf, page=3, note="a note"
    ),
    UpNextItem: lambda: UpNextItem.objects.create(
        user=f.make_user(), book=f.make_book(), position=0
    ),
    Quote: lambda: Quote.objects.create(user=f.make_user(), book=f.make_book(), text="Words."),
    ContentWarning: lambda: ContentWarning.objects.create(name=f"Warning {f.next_number()}"),
    BookTraitVote: _make_trait_vote,
    NeighbourRun: f.make_neighbour_run,
    Block: lambda: Block.objects.create(blocker=f.make_user(), blocked=f.make_user()),
    Mute: lambda: Mute.objects.create(muter=f.make_user(), muted=f.make_user()),
    Report: lambda: _make_report(),
    ModerationLogEntry: lambda: ModerationLogEntry.objects.create(
        moderator=f.make_user(), action="dismiss", report=_make_report(), note="ok"
    ),
}

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _make(model):
    if model not in FACTORIES:
        pytest.fail(f"{model._meta.label} is in the admin: add a factory to FACTORIES")
    return FACTORIES[model]()


@pytest.fixture(autouse=True)
def _static_files_without_manifest(settings):
    # Tests run with DEBUG off, where static files need `collectstatic`'s manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def superuser():
    return f.make_superuser()


@pytest.fixture
def staff_client(client, superuser):
    client.force_login(superuser)
    return client


def test_admin_checks_pass():
    errors = [
        message
        for message in checks.run_checks(tags=[checks.Tags.admin])
        if message.level >= checks.ERROR
    ]
    assert errors == []


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_admin_changelist_and_search(staff_client, model):
    _make(model)
    assert admin.site._registry[model].search_fields, "every admin list should be searchable"

    response = staff_client.get(_url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1

    response = staff_client.get(_url(model, "changelist") + "?" + urlencode({"q": "ada 1"}))
    assert response.status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_admin_add_page(staff_client, superuser, model):
    response = staff_client.get(_url(model, "add"))
    request = response.wsgi_request
    request.user = superuser
    # Read-only admins (refresh tokens, import row errors) refuse to add, on purpose.
    expected = 200 if admin.site._registry[model].has_add_permission(request) else 403
    assert response.status_code == expected


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_admin_change_page(staff_client, model):
    obj = _make(model)
    response = staff_client.get(_url(model, "change", obj.pk))
    assert response.status_code == 200
    assert response.context["original"] == obj


def _autocomplete_fields():
    for model, model_admin in admin.site._registry.items():
        for owner in [model_admin, *model_admin.inlines]:
            owner_model = getattr(owner, "model", model)
            for field_name in owner.autocomplete_fields:
                yield pytest.param(
                    owner_model, field_name, id=f"{owner_model._meta.label}.{field_name}"
                )


@pytest.mark.parametrize("model, field_name", list(dict.fromkeys(_autocomplete_fields())))
def test_admin_autocomplete(staff_client, model, field_name):
    target = model._meta.get_field(field_name).related_model
    _make(target)
    query = {
        "app_label": model._meta.app_label,
        "model_name": model._meta.model_name,
        "field_name": field_name,
        "term": "",
    }
    response = staff_client.get(reverse("admin:autocomplete") + "?" + urlencode(query))
    assert response.status_code == 200
    assert response.json()["results"]


def _book_changelist_queries(staff_client, count: int) -> int:
    series = f.make_series()
    for position in range(count):
        f.make_book(
            authors=[f.make_author(), f.make_author()],
            genres=[f.make_genre()],
            series=series,
            series_position=position,
        )
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(_url(Book, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == count
    return len(queries)


def test_admin_book_changelist_queries_do_not_grow_with_rows(staff_client):
    few = _book_changelist_queries(staff_client, 3)
    Book.objects.all().delete()
    many = _book_changelist_queries(staff_client, 30)
    assert many == few


def test_admin_book_search_by_author_and_hyphenated_isbn(staff_client):
    dune = f.make_book("Dune", authors=[f.make_author("Frank Herbert")], isbn13="9780441172719")
    f.make_book("Emma", authors=[f.make_author("Jane Austen")])
    for term in ["herbert", "978-0-441-17271-9", "0441172717", "dune"]:
        response = staff_client.get(_url(Book, "changelist") + "?" + urlencode({"q": term}))
        assert list(response.context["cl"].result_list) == [dune], term


def test_admin_book_byline_in_contributor_order(staff_client):
    f.make_book(
        "Good Omens", authors=[f.make_author("Terry Pratchett"), f.make_author("Neil Gaiman")]
    )
    response = staff_client.get(_url(Book, "changelist"))
    assert "Terry Pratchett, Neil Gaiman" in response.content.decode()


def test_admin_add_user_with_email(staff_client):
    data = {
        "username": "newreader",
        "email": "New.Reader@example.com",
        "usable_password": "true",
        "password1": "a-long-passphrase-42",
        "password2": "a-long-passphrase-42",
    }
    response = staff_client.post(_url(User, "add"), data)
    assert response.status_code == 302
    assert User.objects.get(username="newreader").email == "New.Reader@example.com"

    response = staff_client.post(
        _url(User, "add"), data | {"username": "other", "email": "new.reader@EXAMPLE.com"}
    )
    assert response.status_code == 200  # the form again, with the error: not a crash
    assert "email" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="other").exists()


def test_admin_user_token_version_read_only(staff_client):
    user = f.make_user()
    response = staff_client.get(_url(User, "change", user.pk))
    form = response.context["adminform"].form
    assert "token_version" not in form.fields
    assert "token_version" in response.context["adminform"].readonly_fields


def test_admin_log_out_everywhere_bumps_token_version(staff_client):
    user = f.make_user()
    response = staff_client.post(
        _url(User, "changelist"),
        {"action": "log_out_everywhere", "_selected_action": [user.pk]},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.token_version == 1


def test_admin_refresh_token_hides_hash_and_revokes(staff_client):
    token = f.make_refresh_token()
    sibling = f.make_refresh_token(user=token.user, family=token.family)
    other = f.make_refresh_token(user=token.user)

    for url in [_url(RefreshToken, "changelist"), _url(RefreshToken, "change", token.pk)]:
        page = staff_client.get(url).content.decode()
        assert token.token_hash not in page
        assert token.token_hash[:8] in page

    response = staff_client.post(
        _url(RefreshToken, "changelist"),
        {"action": "revoke_family", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    revoked = set(
        RefreshToken.objects.filter(revoked_at__isnull=False).values_list("pk", flat=True)
    )
    assert revoked == {token.pk, sibling.pk}
    assert other.pk not in revoked


def test_admin_import_job_row_errors_inline_read_only(staff_client):
    error = f.make_import_row_error(reason="No title or ISBN")
    response = staff_client.get(_url(ImportJob, "change", error.job.pk))
    assert "No title or ISBN" in response.content.decode()
    (inline,) = response.context["inline_admin_formsets"]
    assert inline.has_add_permission is False
    assert inline.has_change_permission is False


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_admin_changelist_queries_do_not_grow_with_rows(staff_client, model):
    counts = []
    for rows in (1, 4):
        while model._default_manager.count() < rows:
            _make(model)
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(_url(model, "changelist")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_admin_user_page_shows_sessions_and_the_verified_flag(staff_client):
    verified, unverified = f.make_user(), f.make_user(email_verified_at=None)
    f.make_session(user=verified, user_agent="Firefox on a laptop", ip_address="203.0.113.0/24")
    page = staff_client.get(_url(User, "change", verified.pk)).content.decode()
    assert "Firefox on a laptop" in page and "203.0.113.0/24" in page
    assert "email_verified_at" in page

    listing = staff_client.get(_url(User, "changelist") + "?email_verified_at__isempty=1")
    users = list(listing.context["cl"].result_list)
    assert unverified in users and verified not in users


def test_admin_ends_sessions_with_their_access_tokens(staff_client, client):
    from apps.accounts.services import issue_tokens

    user = f.make_user()
    pair = issue_tokens(user)
    session = user.sessions.get()
    response = staff_client.post(
        _url(Session, "changelist"), {"action": "end", "_selected_action": [session.pk]}
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.revoked_at is not None
    assert not RefreshToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    staff_client.logout()
    me = client.post(
        "/graphql",
        {"query": "{ me { username } }"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {pair.token}"},
    ).json()
    assert me["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_admin_email_tokens_are_read_only_and_never_show_a_token(staff_client):
    token = f.make_email_token()
    page = staff_client.get(_url(EmailToken, "change", token.pk)).content.decode()
    assert token.token_hash not in page
    assert token.user.username in page
    assert "Save" not in page
