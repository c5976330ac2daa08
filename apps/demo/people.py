"""The demo's people: accounts, profiles (interests, links) and who follows whom.

Accounts are kept across rebuilds (matched by username, case-insensitively), so their ids stay
the same; everything they own is deleted first (`world.clear_demo_data`) and written anew.
"""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from apps.accounts.models import Profile, ProfileInterest, ProfileSocialLink, User
from apps.catalog.models import Genre
from apps.demo.bulk import bulk_create_stamped
from apps.demo.cast import DEMO_EMAIL, DEMO_PASSWORD, DEMO_USERNAME, EVERYONE, Reader
from apps.demo.clock import moment_before, rng_for
from apps.social.models import Follow


@dataclass
class Person:
    """A demo reader's account and profile, with the cast entry they were built from."""

    reader: Reader
    user: User
    profile: Profile

    @property
    def username(self) -> str:
        return self.reader.username


def save_users() -> dict[str, User]:
    """Creates or updates the demo accounts; all share the demo password.

    One hash for all of them: PBKDF2 takes a noticeable fraction of a second per password,
    and every reader being able to log in with the documented password lets a visitor see
    privacy from the other side (log in as `isla` to see her followers-only shelves).
    """
    password = make_password(DEMO_PASSWORD)
    users = {}
    for reader in EVERYONE:
        user = User.objects.filter(username__iexact=reader.username).first()
        user = user or User(username=reader.username)
        is_demo = reader.username == DEMO_USERNAME
        first, _, last = reader.display_name.partition(" ")
        user.first_name, user.last_name = first, last
        user.email = DEMO_EMAIL if is_demo else f"{reader.username}@booknest.example"
        user.is_staff = user.is_superuser = is_demo
        user.is_active = True
        user.password = password
        user.date_joined = moment_before(
            reader.joined_days_before, rng_for("joined", reader.username)
        )
        user.save()
        users[reader.username] = user
    return users


def save_profiles(users: dict[str, User], genres: dict[str, Genre]) -> dict[str, Person]:
    """Profiles, interests (genres and free text) and social links; call after clearing."""
    people = {}
    interests, links = [], []
    for reader in EVERYONE:
        user = users[reader.username]
        # update_or_create: an accounts signal may already have made an empty profile.
        profile, _ = Profile.objects.update_or_create(
            user=user,
            defaults={
                "display_name": reader.display_name,
                "bio": reader.bio,
                "location": reader.location,
                "website": reader.website,
                "privacy": reader.privacy,
            },
        )
        people[reader.username] = Person(reader, user, profile)
        interests += [
            ProfileInterest(profile=profile, genre=genres[slug]) for slug in reader.genres
        ]
        interests += [ProfileInterest(profile=profile, text=text) for text in reader.interests]
        links += [
            ProfileSocialLink(profile=profile, platform=platform, url=url, position=position)
            for position, (platform, url) in enumerate(reader.links)
        ]
    ProfileInterest.objects.bulk_create(interests)
    ProfileSocialLink.objects.bulk_create(links)
    return people


# The demo account follows a few readers and is followed by most, so its feed is busy and it
# has followers to look at from the first login.
_DEMO_FOLLOWS = ("ada", "ben", "chloe", "elena", "hana", "farah")
_FOLLOW_DEMO = ("ada", "ben", "chloe", "dev", "gus", "hana", "kemi", "luis", "isla")


def save_follows(people: dict[str, Person]) -> list[Follow]:
    """A connected follow graph: a ring through everyone, then ties between kindred tastes."""
    rng = rng_for("follows")
    names = [reader.username for reader in EVERYONE]
    pairs = {(a, names[(i + 1) % len(names)]) for i, a in enumerate(names)}
    pairs |= {(DEMO_USERNAME, name) for name in _DEMO_FOLLOWS}
    pairs |= {(name, DEMO_USERNAME) for name in _FOLLOW_DEMO}
    for a in names:
        for b in names:
            if a == b or DEMO_USERNAME in (a, b):
                continue
            shared = set(people[a].reader.genres) & set(people[b].reader.genres)
            if rng.random() < (0.55 if shared else 0.12):
                pairs.add((a, b))
    follows, stamps = [], []
    for a, b in sorted(pairs):
        since = min(people[a].reader.joined_days_before, people[b].reader.joined_days_before)
        follows.append(Follow(follower=people[a].user, followee=people[b].user))
        stamps.append({"created_at": moment_before(rng.randint(3, since - 1), rng)})
    bulk_create_stamped(Follow, follows, stamps)
    return follows
