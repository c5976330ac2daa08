"""Account services and the profile signal, below the API."""

import pytest
from django.core.management import call_command

from apps.accounts.models import Profile, User
from apps.accounts.services import authenticate_login, register, update_profile
from apps.core.errors import ErrorCode, ServiceError
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_every_new_user_gets_a_profile():
    user = User.objects.create_user("ada", "ada@example.com")

    assert Profile.objects.get(user=user).privacy == "public"


def test_createsuperuser_gets_a_profile(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long enough password 1")
    call_command("createsuperuser", interactive=False, username="root", email="root@example.com")

    assert Profile.objects.filter(user__username="root").exists()


def test_saving_a_user_again_keeps_its_profile():
    user = make_user()
    profile = user.profile

    user.first_name = "Ada"
    user.save()

    assert Profile.objects.get(user=user).pk == profile.pk


def test_register_then_login():
    user = register("ada", "ada@example.com", "a long enough password 1")

    assert authenticate_login("ADA@example.com", "a long enough password 1") == user


def test_authenticate_login_refuses_the_same_way_for_every_failure():
    make_user("ada", password="a long enough password 1", is_active=False)

    messages = set()
    for login, password in [("ada", "a long enough password 1"), ("ada", "x"), ("zed", "x")]:
        with pytest.raises(ServiceError) as caught:
            authenticate_login(login, password)
        assert caught.value.errors[0].code == ErrorCode.INVALID_CREDENTIALS
        messages.add(str(caught.value))
    assert messages == {"Please enter valid credentials"}


def test_update_profile_refuses_unknown_fields():
    with pytest.raises(TypeError):
        update_profile(make_user(), nickname="x")


def test_update_profile_creates_a_missing_profile():
    user = make_user()
    Profile.objects.filter(user=user).delete()

    profile = update_profile(User.objects.get(pk=user.pk), bio="Back")

    assert profile.bio == "Back" and Profile.objects.filter(user=user).count() == 1
