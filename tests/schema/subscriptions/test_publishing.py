"""Events reach channel-layer groups only after commit, and carry ids, never content."""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import channel_layers, get_channel_layer
from django.db import transaction

from apps.core.events import book_group, user_group
from apps.imports.events import publish_import_progress
from apps.reading.services import ratings
from apps.social.services import follow
from tests.factories import make_book, make_import_job, make_profile, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_layer(settings):
    """An in-memory layer of this test's own: with a Redis layer shared by parallel test
    processes, their `user.<id>` groups (same ids, other databases) would mix with ours. The
    cross-process path through Redis is tested end to end (tests/e2e/test_ws_cluster.py)."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


class Listener:
    """A channel in some groups of the channel layer."""

    def __init__(self, *groups: str) -> None:
        self.layer = get_channel_layer()
        self.channel = async_to_sync(self.layer.new_channel)()
        for group in groups:
            async_to_sync(self.layer.group_add)(group, self.channel)

    def drain(self) -> list[dict]:
        """Every message waiting for this channel (stops at the first short silence)."""

        async def collect() -> list[dict]:
            received = []
            while True:
                try:
                    received.append(await asyncio.wait_for(self.layer.receive(self.channel), 0.5))
                except TimeoutError:
                    return received

        return async_to_sync(collect)()


def test_a_rolled_back_follow_announces_nothing(django_capture_on_commit_callbacks):
    ada, bob, cyd = make_user("ada"), make_user("bob"), make_user("cyd")
    listener = Listener(user_group(ada.pk))
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        follow(cyd, ada.pk)
        raise RuntimeError("the request failed after the follow")
    assert callbacks == []
    with django_capture_on_commit_callbacks(execute=True):
        follow(bob, ada.pk)
    messages = listener.drain()
    assert [m["event"] for m in messages] == ["notification_added", "follow_changed"]
    assert messages[1]["follower_id"] == bob.pk  # Cyd's rolled-back follow never went out
    # Ids only: the subscriber re-reads (and re-checks) the objects as itself.
    assert "username" not in str(messages)


def test_only_public_ratings_reach_the_book_group(django_capture_on_commit_callbacks):
    book = make_book()
    public, hidden = make_user(), make_user()
    make_profile(hidden, privacy="private")
    listener = Listener(book_group(book.pk))
    with django_capture_on_commit_callbacks(execute=True):
        ratings.rate_book(hidden, book.pk, 2)
        rating = ratings.rate_book(public, book.pk, 4)
    assert [(m["event"], m["rating_id"]) for m in listener.drain()] == [("rating_added", rating.pk)]


def test_import_progress_helper_publishes_to_the_jobs_group(django_capture_on_commit_callbacks):
    job = make_import_job()
    listener = Listener(f"import.{job.pk}")
    with django_capture_on_commit_callbacks(execute=True):
        publish_import_progress(job)
    assert [(m["event"], m["job_id"]) for m in listener.drain()] == [("import_progress", job.pk)]
