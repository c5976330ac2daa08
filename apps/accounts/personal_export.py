"""`exportPersonalData`: a ZIP of everything BookNest holds about a reader, built in the background.

The ZIP holds one JSON file per kind of data (profile, shelves with their dates, ratings,
reviews, lists, goals, follows, activity, notifications and preferences, copies and their
loans, reservations, imports, sessions and personal access tokens), `other.json` with the rows
of any other model that points at the reader (so a model added later is exported too, before
anyone writes it a file of its own), the library as Goodreads CSV (apps/imports/export.py), and
a README. Sessions and tokens are metadata only: never a secret, a hash or a password.

The job runs where imports run (IMPORT_RUNNER: a thread, the `imports` worker channel, or
inline); its progress goes to the group `personal_export.<id>` (`personalDataExportProgress`).
One export at a time per reader; one left PENDING or RUNNING for IMPORT_STALE_AFTER seconds (its
runner died) no longer blocks a new one, which replaces it.
The finished ZIP is downloaded through a signed link that expires after EXPORT_LINK_MAX_AGE
seconds, as `exportLibrary`'s does. A reader keeps one export: starting a new one deletes the
older ones and their files.

This module sits above the domain apps it reads (it is the account's view of all of them).
"""

import io
import json
import logging
import threading
import uuid
import zipfile
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import close_old_connections, connections, models, transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import (
    PersonalAccessToken,
    PersonalDataExport,
    PersonalExportStatus,
    Profile,
    RefreshToken,
    User,
)
from apps.core.errors import Conflict
from apps.core.events import publish

log = logging.getLogger(__name__)
SALT = "booknest.accounts.personal_export"
ACTIVE = (PersonalExportStatus.PENDING, PersonalExportStatus.RUNNING)
# Field names never written to an export, whatever the model.
SECRET_FIELDS = {
    "password",
    "password_marker",  # emailed tokens: derived from the password hash
    "token_hash",
    "prefix",
    "secret",
    "code_hash",
    "key_hash",
}


def export_group(export_id: int) -> str:
    return f"personal_export.{export_id}"


def publish_progress(export: PersonalDataExport) -> None:
    publish(export_group(export.pk), "personal_export_progress", {"export_id": export.pk})


# --- starting and running ------------------------------------------------------------------------


def export_personal_data(user: User) -> PersonalDataExport:
    """A PENDING export of the reader's data, queued; CONFLICT while one is under way."""
    with transaction.atomic():
        # The reader's row lock queues two simultaneous requests, so only one passes the check.
        list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk"))
        # One at a time; an export whose runner died (a restart) stops counting after a while.
        stale_before = timezone.now() - timedelta(seconds=settings.IMPORT_STALE_AFTER)
        busy = PersonalDataExport.objects.filter(
            user_id=user.pk, status__in=ACTIVE, created_at__gte=stale_before
        )
        if busy.exists():
            raise Conflict("An export of your data is already being prepared.")
        older = list(PersonalDataExport.objects.filter(user_id=user.pk))
        names = [e.file.name for e in older if e.file]
        PersonalDataExport.objects.filter(pk__in=[e.pk for e in older]).delete()
        export = PersonalDataExport.objects.create(user_id=user.pk)
        transaction.on_commit(lambda: delete_files(names), robust=True)
        transaction.on_commit(lambda: dispatch(export.pk))
    return export


def delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def dispatch(export_id: int) -> None:
    """Hands the export to whatever runs imports here (IMPORT_RUNNER)."""
    runner = settings.IMPORT_RUNNER
    if runner == "worker":
        from asgiref.sync import async_to_sync
        from channels.layers import get_channel_layer

        from apps.imports.jobs import IMPORT_CHANNEL, IMPORT_LAYER

        message = {"type": "personal_export.run", "export_id": export_id}
        async_to_sync(get_channel_layer(IMPORT_LAYER).send)(IMPORT_CHANNEL, message)
    elif runner == "thread":
        threading.Thread(
            target=_run_in_thread, args=(export_id,), name=f"export-{export_id}", daemon=True
        ).start()
    else:
        run_personal_export(export_id)


def _run_in_thread(export_id: int) -> None:
    close_old_connections()
    try:
        run_personal_export(export_id)
    finally:
        connections.close_all()  # this thread's own connection


def run_personal_export(export_id: int) -> None:
    """Builds and stores the ZIP of a PENDING export; any other export is left alone."""
    claimed = PersonalDataExport.objects.filter(
        pk=export_id, status=PersonalExportStatus.PENDING
    ).update(status=PersonalExportStatus.RUNNING, started_at=timezone.now())
    if not claimed:
        return
    export = PersonalDataExport.objects.select_related("user").get(pk=export_id)
    publish_progress(export)
    values = {"status": PersonalExportStatus.FAILED}
    try:
        data = build_zip(export.user)
        name = f"booknest-data-{export.user.username}-{uuid.uuid4().hex[:12]}.zip"
        export.file.save(name, ContentFile(data), save=False)
        values = {"status": PersonalExportStatus.SUCCEEDED, "file": export.file.name}
        values["size"] = len(data)
    except Exception:
        log.exception("personal data export %s failed", export_id)
        values["error"] = "The export could not be built; please try again."
    with transaction.atomic():
        ended = PersonalDataExport.objects.filter(
            pk=export_id, status=PersonalExportStatus.RUNNING
        ).update(finished_at=timezone.now(), **values)
        if ended:
            export.refresh_from_db()
            publish_progress(export)
    if not ended and values.get("file"):
        # The export (or the whole account) was deleted meanwhile: keep no orphan ZIP.
        delete_files([values["file"]])


# --- the download link ---------------------------------------------------------------------------


def download_link(export: PersonalDataExport) -> str | None:
    """The path of a signed, expiring download link of a finished export; None before."""
    if export.status != PersonalExportStatus.SUCCEEDED or not export.file:
        return None
    token = signing.dumps({"e": export.pk, "u": export.user_id}, salt=SALT)
    return reverse("personal-export-download", args=[token])


def export_for_link(token: str) -> PersonalDataExport | None:
    """The finished export a valid, unexpired link names (its owner still active), or None."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.EXPORT_LINK_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return None
    return PersonalDataExport.objects.filter(
        pk=data["e"],
        user_id=data["u"],
        user__is_active=True,
        status=PersonalExportStatus.SUCCEEDED,
    ).first()


# --- the content ---------------------------------------------------------------------------------


def _rows(queryset, *, drop: tuple[str, ...] = (), **extra) -> list[dict]:
    """Every concrete column of the rows (ids of relations as `<name>_id`), minus secrets and
    `drop`; rows with a `book` also carry its title, for a human reading the file."""
    model = queryset.model
    names = [
        f.attname
        for f in model._meta.concrete_fields
        if f.name not in SECRET_FIELDS and f.attname not in drop and f.name not in drop
    ]
    if any(f.name == "book" for f in model._meta.concrete_fields):
        extra["book_title"] = models.F("book__title")
    return [dict(row) for row in queryset.values(*names, **extra)]


def _profile(user: User) -> dict:
    profile = Profile.objects.filter(user_id=user.pk).first()
    account = _rows(User.objects.filter(pk=user.pk), drop=("token_version",))[0]
    if profile is None:
        return {"account": account, "profile": None, "interests": [], "social_links": []}
    return {
        "account": account,
        "profile": _rows(Profile.objects.filter(pk=profile.pk), drop=("user",))[0],
        "interests": [
            {"genre": i.genre.name if i.genre_id else None, "text": i.text}
            for i in profile.interests.select_related("genre")
        ],
        "social_links": _rows(profile.social_links.all(), drop=("profile",)),
    }


def sections(user: User) -> dict[str, object]:
    """File name → content of every JSON file of the export."""
    from apps.conversation.models import Comment, Like
    from apps.imports.models import ImportJob, ImportRowError
    from apps.impressions.models import BookTraitMood, BookTraitVote, BookTraitWarning, Quote
    from apps.lending.models import BookCopy, Reservation
    from apps.notifications.models import Notification, NotificationPreference
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
    from apps.social.models import Activity, Follow

    uid = user.pk
    traits = _rows(BookTraitVote.objects.filter(user_id=uid).order_by("id"), drop=("user",))
    for vote in traits:  # a background job: a query or two per tagged book is fine
        vote["moods"] = sorted(
            BookTraitMood.objects.filter(vote_id=vote["id"]).values_list("mood", flat=True)
        )
        vote["content_warnings"] = [
            {"name": name, "severity": severity}
            for name, severity in BookTraitWarning.objects.filter(vote_id=vote["id"])
            .order_by("warning__name")
            .values_list("warning__name", "severity")
        ]
    lists = _rows(ReadingList.objects.filter(owner_id=uid).order_by("id"), drop=("owner",))
    items = _rows(ReadingListItem.objects.filter(reading_list__owner_id=uid).order_by("position"))
    for entry in lists:
        entry["items"] = [i for i in items if i["reading_list_id"] == entry["id"]]
    copies = _rows(BookCopy.objects.filter(owner_id=uid).order_by("id"), drop=("owner",))
    # Loans of the reader's copies, without the borrowers (their data, not the reader's).
    loans = _rows(Reservation.objects.filter(copy__owner_id=uid).order_by("id"), drop=("user",))
    for copy in copies:
        copy["loans"] = [r for r in loans if r["copy_id"] == copy["id"]]
    jobs = _rows(ImportJob.objects.filter(user_id=uid).order_by("id"), drop=("user",))
    errors = _rows(ImportRowError.objects.filter(job__user_id=uid).order_by("job", "row_number"))
    for job in jobs:
        job["failed_rows"] = [e for e in errors if e["job_id"] == job["id"]]

    def follows(**where) -> list[dict]:
        return [
            {"username": name, "since": since}
            for name, since in Follow.objects.filter(**where)
            .order_by("created_at")
            .values_list(
                "followee__username" if "follower_id" in where else "follower__username",
                "created_at",
            )
        ]

    return {
        "profile.json": _profile(user),
        "shelves.json": _rows(UserBook.objects.filter(user_id=uid).order_by("id"), drop=("user",)),
        "ratings.json": _rows(Rating.objects.filter(user_id=uid).order_by("id"), drop=("user",)),
        "reviews.json": _rows(Review.objects.filter(user_id=uid).order_by("id"), drop=("user",)),
        "reading_lists.json": lists,
        "comments.json": _rows(
            Comment.objects.filter(author_id=uid).order_by("created_at", "id"), drop=("author",)
        ),
        "likes.json": _rows(
            Like.objects.filter(user_id=uid).order_by("created_at", "id"), drop=("user",)
        ),
        "reading_goals.json": _rows(
            ReadingGoal.objects.filter(user_id=uid).order_by("year"), drop=("user",)
        ),
        "journal.json": _rows(
            JournalEntry.objects.filter(user_id=uid).order_by("created_at", "id"),
            drop=("user",),
            book_id=models.F("user_book__book_id"),
        ),
        "quotes.json": _rows(Quote.objects.filter(user_id=uid).order_by("id"), drop=("user",)),
        "book_traits.json": traits,
        "up_next.json": _rows(
            UpNextItem.objects.filter(user_id=uid).order_by("position"), drop=("user",)
        ),
        "follows.json": {
            "following": follows(follower_id=uid),
            "followers": follows(followee_id=uid),
        },
        "activities.json": _rows(
            Activity.objects.filter(actor_id=uid).order_by("created_at"), drop=("actor",)
        ),
        "notifications.json": _rows(
            Notification.objects.filter(recipient_id=uid).order_by("created_at", "id"),
            drop=("recipient", "type", "actor"),
            type_key=models.F("type__key"),
            actor_username=models.F("actor__username"),
        ),
        "notification_preferences.json": [
            {"type": key, "in_app": in_app, "email": email}
            for key, in_app, email in NotificationPreference.objects.filter(user_id=uid)
            .order_by("type__key")
            .values_list("type__key", "in_app", "email")
        ],
        "copies.json": copies,
        "reservations.json": _rows(
            Reservation.objects.filter(user_id=uid).order_by("id"), drop=("user",)
        ),
        "imports.json": jobs,
        "sessions.json": _rows(
            RefreshToken.objects.filter(user_id=uid).order_by("created_at"), drop=("user",)
        ),
        "personal_access_tokens.json": _rows(
            PersonalAccessToken.objects.filter(user_id=uid).order_by("created_at"),
            drop=("user",),
        ),
        "safety.json": _safety(uid),
        "other.json": _other_rows(user),
    }


def _safety(uid: int) -> dict[str, list]:
    """The reader's own blocks, mutes and reports, and the moderation actions about them
    (without who asked or who acted)."""
    from apps.moderation.models import ModerationLogEntry, Report
    from apps.social.models import Block, Mute

    def made(model, mine: str, other: str) -> list[dict]:
        rows = model.objects.filter(**{f"{mine}_id": uid}).order_by("created_at")
        return [
            {"username": name, "since": since}
            for name, since in rows.values_list(f"{other}__username", "created_at")
        ]

    return {
        "blocked": made(Block, "blocker", "blocked"),
        "muted": made(Mute, "muter", "muted"),
        "reports": list(
            Report.objects.filter(reporter_id=uid)
            .order_by("created_at")
            .values("id", "reason", "details", "status", "action", "created_at", "resolved_at")
        ),
        "moderation_actions": list(
            ModerationLogEntry.objects.filter(user_id=uid)
            .order_by("created_at")
            .values("action", "created_at", "suspended_until")
        ),
    }


# Models whose rows have a file of their own above (or are the export's own bookkeeping).
COVERED = {
    "accounts.Profile",
    "accounts.RefreshToken",
    "accounts.PersonalAccessToken",
    "accounts.PersonalDataExport",
    "admin.LogEntry",
    "reading.UserBook",
    "reading.Rating",
    "reading.Review",
    "reading.ReadingList",
    "reading.ReadingGoal",
    "conversation.Comment",
    "conversation.Like",
    "reading.JournalEntry",
    "reading.UpNextItem",
    "impressions.Quote",
    "impressions.BookTraitVote",
    "social.Follow",
    "social.Activity",
    "notifications.Notification",
    "notifications.NotificationPreference",
    "lending.BookCopy",
    "lending.Reservation",
    "imports.ImportJob",
    # Silent by design: a reader learns neither who blocked, muted or reported them, nor which
    # moderator acted (their own blocks, mutes and reports are in `safety.json`).
    "social.Block",
    "social.Mute",
    "moderation.Report",
    "moderation.ModerationLogEntry",
}


def _other_rows(user: User) -> dict[str, list[dict]]:
    """Rows of every other model with a foreign key to the user, by model label."""
    found: dict[str, list[dict]] = {}
    for model in apps.get_models():
        label = model._meta.label
        if label in COVERED:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is User:
                rows = _rows(model._default_manager.filter(**{field.name: user.pk}))
                if rows:
                    found.setdefault(label, []).extend(rows)
    return found


README = """Everything BookNest holds about {username}, exported {when}.

profile.json                 your account (no password) and public profile
shelves.json                 books on your shelves: status, dates, progress, private notes
ratings.json, reviews.json   your ratings and reviews
reading_lists.json           your lists and the books on them
comments.json, likes.json    your comments and replies, and what you like
reading_goals.json           your yearly goals
journal.json                 your reading journal (progress and notes)
quotes.json                  the passages you kept
book_traits.json             how books felt to you (moods, pace, content warnings)
up_next.json                 the books you mean to read next
follows.json                 whom you follow and who follows you
activities.json              what your followers' feeds showed of you
notifications.json           your notifications; notification_preferences.json your choices
copies.json                  copies you lend, with their loans; reservations.json your own
imports.json                 your library imports, with the rows that failed
sessions.json                your logins (devices and dates; never the tokens themselves)
personal_access_tokens.json  your tokens' names, scopes and dates (never the secrets)
safety.json                  whom you blocked and muted, your reports, moderation actions about you
other.json                   anything else that refers to you
goodreads_library.csv        your library in Goodreads' format, importable elsewhere
"""


def build_zip(user: User) -> bytes:
    """The export's ZIP, as bytes."""
    from apps.imports.export import ExportFormat, export_text

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        when = timezone.now().isoformat(timespec="seconds")
        archive.writestr("README.txt", README.format(username=user.username, when=when))
        for name, content in sections(user).items():
            text = json.dumps(content, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
            archive.writestr(name, text)
        archive.writestr("goodreads_library.csv", export_text(user, ExportFormat.GOODREADS))
    return out.getvalue()
