"""notificationPreferences, updateNotificationPreferences and notificationKinds."""

import pytest

from apps.notifications import types
from apps.notifications.models import NotificationPreference
from tests.factories import make_superuser, make_user
from tests.schema.accounts.helpers import error_codes

pytestmark = pytest.mark.django_db

PREFERENCES = "{ notificationPreferences { kind { key } inApp email } }"
UPDATE = """
mutation($input: [NotificationPreferenceInput!]!) {
  updateNotificationPreferences(input: $input) {
    preferences { kind { key } inApp email }
    errors { code field message }
  }
}
"""


def as_dict(preferences: list[dict]) -> dict[str, tuple[bool, bool]]:
    return {p["kind"]["key"]: (p["inApp"], p["email"]) for p in preferences}


DEFAULTS = {t.key: (t.default_in_app, t.default_email) for t in types.DEFAULTS}


def test_preferences_start_as_the_defaults_of_every_kind(gql):
    gql.login(make_user())

    preferences = gql(PREFERENCES)["data"]["notificationPreferences"]

    assert as_dict(preferences) == DEFAULTS
    assert [p["kind"]["key"] for p in preferences] == sorted(DEFAULTS)


def test_update_preferences_changes_the_given_channels_only(gql):
    ada = make_user("ada")
    gql.login(ada)

    payload = gql(
        UPDATE,
        {
            "input": [
                {"kind": types.RESERVATION_READY, "email": False},
                {"kind": types.NEW_FOLLOWER, "inApp": False, "email": True},
            ]
        },
    )["data"]["updateNotificationPreferences"]

    expected = {
        **DEFAULTS,
        types.RESERVATION_READY: (True, False),
        types.NEW_FOLLOWER: (False, True),
    }
    assert payload["errors"] == []
    assert as_dict(payload["preferences"]) == expected
    assert as_dict(gql(PREFERENCES)["data"]["notificationPreferences"]) == expected
    # A later partial change keeps the other channel.
    payload = gql(UPDATE, {"input": [{"kind": types.NEW_FOLLOWER, "inApp": True}]})
    assert as_dict(payload["data"]["updateNotificationPreferences"]["preferences"])[
        types.NEW_FOLLOWER
    ] == (True, True)


def test_update_preferences_refuses_unknown_kinds_and_changes_nothing(gql):
    gql.login(make_user())

    payload = gql(
        UPDATE,
        {
            "input": [
                {"kind": types.NEW_FOLLOWER, "inApp": False},
                {"kind": "carrier_pigeon", "inApp": True},
                {"kind": "new follower", "inApp": True},
            ]
        },
    )["data"]["updateNotificationPreferences"]

    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("NOT_FOUND", "input.1.kind"),
        ("NOT_FOUND", "input.2.kind"),
    ]
    assert payload["preferences"] is None
    assert not NotificationPreference.objects.exists()


@pytest.mark.parametrize("who", ["other user", "staff"])
def test_preferences_are_per_user(gql, who):
    ada = make_user("ada")
    gql.login(ada)
    gql(UPDATE, {"input": [{"kind": types.NEW_FOLLOWER, "inApp": False}]})

    gql.login(make_user() if who == "other user" else make_superuser())
    assert as_dict(gql(PREFERENCES)["data"]["notificationPreferences"]) == DEFAULTS
    gql(UPDATE, {"input": [{"kind": types.NEW_FOLLOWER, "email": True}]})

    assert NotificationPreference.objects.get(user=ada, type__key=types.NEW_FOLLOWER).email is False


@pytest.mark.parametrize(
    ("query", "variables"),
    [(PREFERENCES, None), (UPDATE, {"input": [{"kind": types.NEW_FOLLOWER, "inApp": False}]})],
)
def test_preferences_need_login(gql, query, variables):
    assert error_codes(gql(query, variables)) == ["UNAUTHENTICATED"]
    assert not NotificationPreference.objects.exists()


def test_notification_kinds_are_public(gql):
    kinds = gql("{ notificationKinds { key name description defaultInApp defaultEmail } }")

    listed = kinds["data"]["notificationKinds"]
    assert [k["key"] for k in listed] == sorted(DEFAULTS)
    assert {k["key"]: (k["defaultInApp"], k["defaultEmail"]) for k in listed} == DEFAULTS
