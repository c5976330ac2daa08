"""The database refuses social data that breaks a rule, whatever code path writes it."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from apps.catalog.models import Book
from apps.core.models import Privacy
from apps.social.models import Activity, Follow, Verb
from tests.factories import make_activity, make_book, make_follow, make_user

pytestmark = pytest.mark.django_db


# --- Follow ----------------------------------------------------------------------------------


def test_follow_once():
    ada, grace = make_user(), make_user()
    make_follow(ada, grace)
    make_follow(grace, ada)  # following back is fine
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(follower=ada, followee=grace)


def test_follow_not_self():
    ada = make_user()
    with pytest.raises(IntegrityError, match="follow_not_self"), transaction.atomic():
        Follow.objects.create(follower=ada, followee=ada)


def test_follow_not_self_on_update():
    follow = make_follow()
    with pytest.raises(IntegrityError, match="follow_not_self"), transaction.atomic():
        Follow.objects.filter(pk=follow.pk).update(followee=follow.follower)


# --- Activity --------------------------------------------------------------------------------


@pytest.mark.parametrize("verb", Verb.values)
def test_activity_verb_accepts_each_choice(verb):
    assert make_activity(verb=verb).verb == verb


def test_activity_verb_valid():
    with pytest.raises(IntegrityError, match="activity_verb_valid"), transaction.atomic():
        make_activity(verb="liked")


@pytest.mark.parametrize("privacy", Privacy.values)
def test_activity_privacy_accepts_each_choice(privacy):
    make_activity(privacy=privacy)


def test_activity_privacy_valid():
    activity = make_activity()
    with pytest.raises(IntegrityError, match="activity_privacy_valid"), transaction.atomic():
        Activity.objects.filter(pk=activity.pk).update(privacy="friends")


def test_activity_target_id_not_negative():
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.create(
            actor=make_user(),
            verb=Verb.SHELVED,
            target_type=ContentType.objects.get_for_model(Book),
            target_id=-1,
            book=make_book(),
        )
