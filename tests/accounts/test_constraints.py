"""The database refuses accounts data that breaks a rule, whatever code path writes it."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from apps.accounts.models import Profile, ProfileInterest, RefreshToken, SocialPlatform, User
from apps.core.models import Privacy
from tests.factories import (
    make_genre,
    make_profile,
    make_profile_interest,
    make_refresh_token,
    make_social_link,
    make_user,
)

pytestmark = pytest.mark.django_db


# --- User ------------------------------------------------------------------------------------


def test_user_username_unique_regardless_of_case():
    make_user("Ada", email="ada@example.com")
    make_user("Ada2", email="ada2@example.com")  # a longer name sharing a prefix is fine
    with pytest.raises(IntegrityError, match="user_username_ci_unique"), transaction.atomic():
        User.objects.create(username="ADA", email="other@example.com")


def test_user_username_unique():
    make_user("grace", email="grace@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="grace", email="grace2@example.com")


def test_user_email_unique_regardless_of_case():
    make_user("ada", email="Ada@Example.com")
    make_user("ada2", email="ada@example.org")
    with pytest.raises(IntegrityError, match="user_email_ci_unique"), transaction.atomic():
        User.objects.create(username="lovelace", email="ada@EXAMPLE.com")


def test_user_email_not_empty():
    with pytest.raises(IntegrityError, match="user_email_not_empty"), transaction.atomic():
        User.objects.create(username="noemail", email="")


def test_user_username_not_empty():
    with pytest.raises(IntegrityError, match="user_username_not_empty"), transaction.atomic():
        User.objects.create(username="", email="nobody@example.com")


def test_user_token_version_not_negative():
    user = make_user()
    User.objects.filter(pk=user.pk).update(token_version=F("token_version") + 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(token_version=-1)


# --- Profile ---------------------------------------------------------------------------------


@pytest.mark.parametrize("privacy", Privacy.values)
def test_profile_privacy_accepts_each_choice(privacy):
    assert make_profile(privacy=privacy).privacy == privacy


def test_profile_privacy_valid():
    profile = make_profile()
    with pytest.raises(IntegrityError, match="profile_privacy_valid"), transaction.atomic():
        Profile.objects.filter(pk=profile.pk).update(privacy="friends")


def test_profile_once_per_user():
    profile = make_profile()
    with pytest.raises(IntegrityError), transaction.atomic():
        Profile.objects.create(user=profile.user)


# --- ProfileInterest -------------------------------------------------------------------------


def test_interest_genre_or_text_is_fine():
    profile = make_profile()
    make_profile_interest(profile, genre=make_genre())
    make_profile_interest(profile, text="cosy mysteries")


@pytest.mark.parametrize("with_genre, text", [(True, "cosy mysteries"), (False, "")])
def test_interest_genre_xor_text(with_genre, text):
    genre = make_genre() if with_genre else None
    with pytest.raises(IntegrityError, match="interest_genre_xor_text"), transaction.atomic():
        ProfileInterest.objects.create(profile=make_profile(), genre=genre, text=text)


def test_interest_genre_once():
    genre = make_genre()
    profile = make_profile()
    make_profile_interest(profile, genre=genre)
    make_profile_interest(make_profile(), genre=genre)  # another reader may share it
    with pytest.raises(IntegrityError), transaction.atomic():
        ProfileInterest.objects.create(profile=profile, genre=genre)


def test_interest_text_once_regardless_of_case():
    profile = make_profile()
    make_profile_interest(profile, text="Cosy mysteries")
    make_profile_interest(make_profile(), text="cosy mysteries")  # another reader may share it
    with pytest.raises(IntegrityError, match="interest_text_once"), transaction.atomic():
        ProfileInterest.objects.create(profile=profile, text="COSY MYSTERIES")


# --- ProfileSocialLink -----------------------------------------------------------------------


def test_social_link_platform_valid():
    link = make_social_link(platform=SocialPlatform.MASTODON)
    with pytest.raises(IntegrityError, match="social_link_platform_valid"), transaction.atomic():
        type(link).objects.filter(pk=link.pk).update(platform="myspace")


def test_social_link_platform_once():
    profile = make_profile()
    make_social_link(profile, platform="mastodon", url="https://mastodon.social/@ada")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_social_link(profile, platform="mastodon", url="https://hachyderm.io/@ada")


def test_social_link_other_platform_any_number():
    profile = make_profile()
    make_social_link(profile, platform="other", url="https://ada.example.com")
    make_social_link(profile, platform="other", url="https://blog.example.com/ada")
    assert profile.social_links.count() == 2


def test_social_link_url_once():
    profile = make_profile()
    make_social_link(profile, platform="website", url="https://ada.example.com")
    make_social_link(make_profile(), platform="website", url="https://ada.example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_social_link(profile, platform="other", url="https://ada.example.com")


def test_social_link_position_not_negative():
    link = make_social_link()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(link).objects.filter(pk=link.pk).update(position=-1)


# --- RefreshToken ----------------------------------------------------------------------------


@pytest.mark.parametrize("lifetime", [timedelta(0), timedelta(seconds=-1)])
def test_refresh_token_expires_after_creation(lifetime):
    token = make_refresh_token()
    name = "refresh_token_expires_after_creation"
    with pytest.raises(IntegrityError, match=name), transaction.atomic():
        RefreshToken.objects.filter(pk=token.pk).update(expires_at=F("created_at") + lifetime)
    RefreshToken.objects.filter(pk=token.pk).update(
        expires_at=F("created_at") + timedelta(seconds=1)
    )


def test_refresh_token_hash_unique():
    token = make_refresh_token()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_refresh_token(token_hash=token.token_hash)
