"""`Book.traits`: how a book feels to its readers, as GraphQL types, with its SQL form.

Both paths count the same rows the same way (`apps.impressions.traits.book_traits`): lists
most chosen first, ties by name in the database's order; shares are float divisions.
"""

import strawberry

from apps.impressions.traits import Traits
from schema.compiled.forms import Raw
from schema.enums import DriverEnum, MoodEnum, PaceEnum, SeverityEnum


@strawberry.type(description="A mood and the share of the book's voters who chose it.")
class MoodShare:
    mood: MoodEnum = strawberry.field(description="The mood.")
    share: float = strawberry.field(description="Share of voters, 0 to 1.")


@strawberry.type(description="A pace and the share of the book's voters who chose it.")
class PaceShare:
    value: PaceEnum = strawberry.field(description="The pace.")
    share: float = strawberry.field(description="Share of voters, 0 to 1.")


@strawberry.type(description="Plot- or character-driven, and the share of voters who said so.")
class DriverShare:
    value: DriverEnum = strawberry.field(description="What drives the book.")
    share: float = strawberry.field(description="Share of voters, 0 to 1.")


@strawberry.type(description="A content warning readers reported for a book.")
class ContentWarningCount:
    name: str = strawberry.field(description="The warning's name.")
    severity: SeverityEnum = strawberry.field(
        description="The severity most reporters gave (the graver on a tie)."
    )
    count: int = strawberry.field(description="Readers who reported it.")


@strawberry.type(
    description="How a book feels to the readers who finished or abandoned it and tagged it "
    "(`setBookTraits`): each list most chosen first (ties by name), shares of `voters`."
)
class BookTraits:
    voters: int = strawberry.field(description="Readers who tagged the book.")
    moods: list[MoodShare] = strawberry.field(description="Moods chosen, most first.")
    pace: list[PaceShare] = strawberry.field(description="Paces chosen, most first.")
    plot_or_character: list[DriverShare] = strawberry.field(
        description="Plot- or character-driven, most first."
    )
    content_warnings: list[ContentWarningCount] = strawberry.field(
        description="Content warnings reported, most reported first."
    )


_VOTERS = "(SELECT count(*) FROM impressions_booktraitvote v WHERE v.book_id = {pk})"


def _shares(column: str, key: str) -> str:
    return (
        f"coalesce((SELECT json_agg(json_build_object('{key}', upper(s.{column}), 'share', "  # noqa: S608 - constant text
        f"s.n::float8 / {_VOTERS}) ORDER BY s.n DESC, s.{column}) FROM (SELECT {column}, "
        f"count(*) AS n FROM impressions_booktraitvote WHERE book_id = {{pk}} AND {column} <> '' "
        f"GROUP BY {column}) s), '[]'::json)"
    )


BOOK_TRAITS = Raw(
    "json_build_object("  # noqa: S608 - constant text, no input
    f"'voters', {_VOTERS}, "
    "'moods', coalesce((SELECT json_agg(json_build_object('mood', upper(s.mood), 'share', "
    f"s.n::float8 / {_VOTERS}) ORDER BY s.n DESC, s.mood) FROM (SELECT mood, count(*) AS n "
    "FROM impressions_booktraitmood WHERE book_id = {pk} GROUP BY mood) s), '[]'::json), "
    f"'pace', {_shares('pace', 'value')}, "
    f"'plotOrCharacter', {_shares('driver', 'value')}, "
    "'contentWarnings', coalesce((SELECT json_agg(json_build_object('name', w.name, "
    "'severity', upper(w.severity), 'count', w.total) ORDER BY w.total DESC, w.name) FROM "
    "(SELECT s.name, sum(s.n)::int AS total, (array_agg(s.severity ORDER BY s.n DESC, CASE "
    "s.severity WHEN 'minor' THEN 0 WHEN 'moderate' THEN 1 ELSE 2 END DESC))[1] AS severity "
    "FROM (SELECT cw.name, tw.severity, count(*) AS n FROM impressions_booktraitwarning tw "
    "JOIN impressions_contentwarning cw ON cw.id = tw.warning_id WHERE tw.book_id = {pk} "
    "GROUP BY cw.name, tw.severity) s GROUP BY s.name) w), '[]'::json))",
    columns=("pk",),
)


def traits_type(traits: Traits) -> BookTraits:
    return BookTraits(
        voters=traits.voters,
        moods=[MoodShare(mood=m, share=s) for m, s in traits.moods],
        pace=[PaceShare(value=v, share=s) for v, s in traits.pace],
        plot_or_character=[DriverShare(value=v, share=s) for v, s in traits.drivers],
        content_warnings=[
            ContentWarningCount(name=n, severity=sev, count=c) for n, sev, c in traits.warnings
        ],
    )
