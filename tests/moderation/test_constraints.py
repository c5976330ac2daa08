"""The database refuses moderation data, blocks and mutes that break a rule, whatever writes it."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from apps.accounts.models import Profile
from apps.moderation.models import ModerationLogEntry, Report
from apps.reading.models import ReadingList, Review
from apps.social.models import Block, Mute
from tests.factories import make_profile, make_reading_list, make_review, make_user

pytestmark = pytest.mark.django_db


def report(**kwargs) -> Report:
    review = make_review()
    fields = {
        "reporter": make_user(),
        "subject_type": ContentType.objects.get_for_model(Review),
        "subject_id": review.pk,
        "reason": "spam",
        **kwargs,
    }
    return Report.objects.create(**fields)


@pytest.mark.parametrize(
    ("field", "name"), [("reason", "report_reason_valid"), ("status", "report_status_valid")]
)
def test_report_choices(field, name):
    with pytest.raises(IntegrityError, match=name), transaction.atomic():
        report(**{field: "whatever"})


def test_report_open_once():
    first = report()
    same = {
        "reporter": first.reporter,
        "subject_type": first.subject_type,
        "subject_id": first.subject_id,
        "reason": "hate",
    }
    with pytest.raises(IntegrityError), transaction.atomic():  # report_open_once
        Report.objects.create(**same)
    Report.objects.filter(pk=first.pk).update(status="dismissed")
    Report.objects.create(**same)  # reported again once the first was resolved


def test_moderation_action_valid():
    with pytest.raises(IntegrityError, match="moderation_action_valid"), transaction.atomic():
        ModerationLogEntry.objects.create(moderator=make_user(), action="ban_forever")


@pytest.mark.parametrize(
    ("model", "make", "name"),
    [
        (Review, make_review, "review_moderation_valid"),
        (ReadingList, make_reading_list, "reading_list_moderation_valid"),
        (Profile, make_profile, "profile_moderation_valid"),
    ],
)
def test_moderation_status_valid(model, make, name):
    item = make()
    with pytest.raises(IntegrityError, match=name), transaction.atomic():
        model.objects.filter(pk=item.pk).update(moderation_status="gone")


@pytest.mark.parametrize(
    ("model", "fields", "once", "not_self"),
    [
        (Block, ("blocker", "blocked"), "block_once", "block_not_self"),
        (Mute, ("muter", "muted"), "mute_once", "mute_not_self"),
    ],
)
def test_block_and_mute_once_and_not_self(model, fields, once, not_self):
    # SQLite names the columns of a failed unique constraint, not the constraint (`once`).
    ada, bob = make_user(), make_user()
    model.objects.create(**{fields[0]: ada, fields[1]: bob})
    model.objects.create(**{fields[0]: bob, fields[1]: ada})  # both ways is fine
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**{fields[0]: ada, fields[1]: bob})
    with pytest.raises(IntegrityError, match=not_self), transaction.atomic():
        model.objects.create(**{fields[0]: ada, fields[1]: ada})
