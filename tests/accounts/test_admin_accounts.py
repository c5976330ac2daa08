"""The operator's side: personal access tokens on the user's page and revoked from their list,
personal data exports started and fetched, accounts deleted as `deleteAccount` does."""

import pytest
from django.urls import reverse

from apps.accounts.models import PersonalAccessToken, PersonalDataExport, User
from apps.lending.models import ReservationStatus
from apps.notifications.models import Notification
from tests.accounts.reader_world import build_world
from tests.factories import make_superuser, make_user
from tests.schema.accounts.pat_helpers import bearer, pat

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.IMPORT_RUNNER = "inline"
    client.force_login(make_superuser("root"))
    return client


def test_tokens_show_on_the_users_page_without_their_secret(staff_client):
    ada = make_user("ada")
    secret = pat(ada, "read", name="kobo")
    page = staff_client.get(reverse("admin:accounts_user_change", args=[ada.pk]))
    html = page.content.decode()
    assert "kobo" in html and secret[:11] in html
    assert secret not in html
    assert PersonalAccessToken.objects.get().token_hash not in html


def test_the_revoke_action_stops_a_token(staff_client, gql):
    secret = pat(make_user("ada"), "read")
    token = PersonalAccessToken.objects.get()
    response = staff_client.post(
        reverse("admin:accounts_personalaccesstoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert gql("{ me { username } }", **bearer(secret))["errors"][0]["extensions"]["code"] == (
        "UNAUTHENTICATED"
    )


def test_the_export_action_builds_a_zip_the_admin_can_fetch(
    staff_client, django_capture_on_commit_callbacks
):
    ada = make_user("ada")
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "export_personal_data", "_selected_action": [ada.pk]},
        )
    export = PersonalDataExport.objects.get(user=ada)
    assert export.status == "succeeded"
    page = staff_client.get(reverse("admin:accounts_personaldataexport_change", args=[export.pk]))
    link = page.content.decode().split('href="/exports/personal/')[1].split('"')[0]
    response = staff_client.get(f"/exports/personal/{link}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"


@pytest.mark.parametrize("how", ["action", "delete_view"])
def test_deleting_a_user_in_the_admin_unwinds_like_delete_account(staff_client, how):
    world = build_world()
    if how == "action":
        staff_client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "delete_accounts", "_selected_action": [world.ada.pk]},
        )
    else:
        world.held_by_bob.delete()  # the delete page refuses while a copy has reservations
        world.lent_to_carol.delete()
        world.bobs_history.delete()
        response = staff_client.post(
            reverse("admin:accounts_user_delete", args=[world.ada.pk]), {"post": "yes"}
        )
        assert response.status_code == 302
    assert not User.objects.filter(pk=world.ada.pk).exists()
    world.dan_waiting.refresh_from_db()
    assert world.dan_waiting.status == ReservationStatus.CANCELLED
    assert Notification.objects.filter(recipient=world.dan, type__key="reservation_cancelled")
