"""deleteAccount: the reader and all they own go at once, and nothing of theirs is left behind."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.models import User
from apps.accounts.tokens import create_access_token
from apps.catalog.models import Book
from apps.lending.models import Reservation, ReservationStatus
from apps.notifications.models import Notification
from apps.notifications.types import RESERVATION_CANCELLED, RESERVATION_READY
from tests.accounts.reader_world import build_world
from tests.factories import make_user
from tests.schema.accounts.helpers import PASSWORD, REFRESH, error_codes

pytestmark = pytest.mark.django_db

DELETE = (
    "mutation($p: String!) { deleteAccount(password: $p) { deletedUserId errors { code field } } }"
)


def rows_pointing_at(user_id: int) -> dict[str, int]:
    """Rows of every model that refer to the user: each foreign key, one-to-one and
    many-to-many to User, found by walking all models (future ones included)."""
    found = {}
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete and field.related_model is not None):
                continue
            if field.related_model._meta.concrete_model is not User:
                continue
            if field.many_to_many:
                count = model.objects.filter(**{field.name: user_id}).count()
            else:
                count = model._base_manager.filter(**{field.attname: user_id}).count()
            if count:
                found[f"{model._meta.label}.{field.name}"] = count
    return found


def dangling_generic_targets() -> list[str]:
    """Rows of every model with a generic relation whose target no longer exists."""
    dangling = []
    for model in apps.get_models():
        for field in model._meta.private_fields:
            if not isinstance(field, GenericForeignKey):
                continue
            for row in model._base_manager.exclude(**{f"{field.ct_field}__isnull": True}):
                target_model = getattr(row, field.ct_field).model_class()
                target_id = getattr(row, field.fk_field)
                if not target_model._base_manager.filter(pk=target_id).exists():
                    dangling.append(f"{model._meta.label} {row.pk} → {target_model.__name__}")
    return dangling


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return build_world()


def delete_as(gql, user, password=PASSWORD) -> dict:
    return gql.login(user)(DELETE, {"p": password})


def test_delete_account_leaves_nothing_behind(
    gql, world, tmp_path, django_capture_on_commit_callbacks
):
    from apps.media.services import upload_avatar
    from tests.media.pictures import png

    with django_capture_on_commit_callbacks(execute=True):
        upload_avatar(world.ada, SimpleUploadedFile("me.png", png(), content_type="image/png"))
    avatar_files = list((tmp_path / "media").rglob("avatars/*/*"))
    assert avatar_files
    ada_id = world.ada.pk
    assert len(rows_pointing_at(ada_id)) > 15  # the walk sees the reader's rows

    with django_capture_on_commit_callbacks(execute=True):
        result = delete_as(gql, world.ada)

    assert result["data"]["deleteAccount"]["errors"] == []
    assert not User.objects.filter(pk=ada_id).exists()
    assert rows_pointing_at(ada_id) == {}
    assert dangling_generic_targets() == []
    assert not any(path.exists() for path in avatar_files)
    # What was not hers stays: bob's activity about a book, eve's notification about one.
    assert world.bob.activities.count() == 1
    assert Notification.objects.filter(recipient=world.eve, target_id__isnull=False).count() == 1


def test_every_token_of_the_account_stops_at_once(gql, world):
    access, _ = create_access_token(world.ada)
    assert delete_as(gql, world.ada)["data"]["deleteAccount"]["errors"] == []
    gql.logout()
    for token in (access, world.pat_secret):
        result = gql("{ me { username } }", Authorization=f"Bearer {token}")
        assert error_codes(result) == ["UNAUTHENTICATED"], token
    assert error_codes(gql(REFRESH, {"refreshToken": world.refresh_secret})) == ["UNAUTHENTICATED"]


def test_book_aggregates_are_recomputed_exactly(gql, world):
    assert Book.objects.get(pk=world.shared_book.pk).ratings_count == 2
    delete_as(gql, world.ada)
    shared = Book.objects.get(pk=world.shared_book.pk)
    assert (shared.average_rating, shared.ratings_count) == (Decimal("3.00"), 1)
    alone = Book.objects.get(pk=world.ada_only_book.pk)
    assert (alone.average_rating, alone.ratings_count) == (Decimal("0.00"), 0)


def test_holders_of_the_readers_copies_are_cancelled_and_notified(
    gql, world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        delete_as(gql, world.ada)

    for reservation, reader in (
        (world.held_by_bob, world.bob),
        (world.lent_to_carol, world.carol),
        (world.dan_waiting, world.dan),
    ):
        reservation.refresh_from_db()
        assert reservation.status == ReservationStatus.CANCELLED
        assert reservation.copy_id is None and reservation.ended_at is not None
        notice = Notification.objects.get(recipient=reader, type__key=RESERVATION_CANCELLED)
        assert notice.target == reservation
        assert notice.data["book_title"] == reservation.book.title
        assert notice.actor is None
    # Bob's past loan of her copy stays in his history, without the copy.
    world.bobs_history.refresh_from_db()
    assert (world.bobs_history.status, world.bobs_history.copy_id) == ("returned", None)
    # Notification emails go out by default for this kind.
    assert {m.to[0] for m in mailoutbox} >= {"bob@example.com", "carol@example.com"}


def test_a_copy_the_reader_held_goes_to_the_next_in_line(gql, world):
    delete_as(gql, world.ada)
    world.frank_waiting.refresh_from_db()
    assert world.frank_waiting.status == ReservationStatus.READY
    assert world.frank_waiting.copy_id == world.eves_copy.pk
    assert Notification.objects.filter(recipient=world.frank, type__key=RESERVATION_READY).exists()
    assert not Reservation.objects.filter(user_id=world.ada.pk).exists()


def test_a_wrong_password_changes_nothing(gql, world):
    before = rows_pointing_at(world.ada.pk)
    result = delete_as(gql, world.ada, "not my password")["data"]["deleteAccount"]
    assert result == {
        "deletedUserId": None,
        "errors": [{"code": "INVALID_CREDENTIALS", "field": "password"}],
    }
    assert rows_pointing_at(world.ada.pk) == before


def test_another_reader_deletes_only_themselves(gql, world):
    # Bob cannot name ada's account: the mutation is about the viewer, whose password it needs.
    result = delete_as(gql, world.bob)["data"]["deleteAccount"]
    assert result["errors"] == [{"code": "INVALID_CREDENTIALS", "field": "password"}]
    assert User.objects.filter(pk=world.ada.pk).exists()
    assert User.objects.filter(pk=world.bob.pk).exists()


def test_anonymous_must_log_in(gql):
    result = gql(DELETE, {"p": PASSWORD})
    assert error_codes(result) == ["UNAUTHENTICATED"]


def test_staff_cannot_delete_themselves_this_way(gql):
    for flags in ({"is_staff": True}, {"is_superuser": True}):
        admin = make_user(password=PASSWORD, **flags)
        result = delete_as(gql, admin)["data"]["deleteAccount"]
        assert result["errors"] == [{"code": "NOT_ALLOWED", "field": None}]
        assert User.objects.filter(pk=admin.pk).exists()
