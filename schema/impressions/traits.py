"""`Book.traits`: how a book feels to its readers, as GraphQL types, with their SQL forms.

`BookTraits` is the book seen through its readers' tags (a type over the book's row), so each
of its fields states its own form. Both paths count the same rows the same way
(`apps.impressions.traits`): lists most chosen first, ties by name in the database's order;
shares are float divisions. The closed lists (moods, paces, drivers) list every value, zeros
included, like a rating histogram.
"""

import strawberry
import strawberry_django
from django.db.models import F

from apps.catalog.models import Book
from apps.impressions.models import ContentWarning, Driver, Mood, Pace
from apps.impressions.traits import VOTERS, reported_warnings
from schema.compiled.forms import Expr, Raw, Rows, sql
from schema.context import Info
from schema.enums import DriverEnum, MoodEnum, PaceEnum, SeverityEnum
from schema.fields import model_field
from schema.impressions.loaders import TraitsByBookIdLoader


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


_VOTERS = "(SELECT count(*) FROM impressions_booktraitvote v WHERE v.book_id = {pk})"


def _every(values, table: str, column: str, key: str) -> str:
    """Every value of a closed list with its share of voters (zeros included, like a rating
    histogram), most chosen first, ties by value."""
    listed = ", ".join(f"('{value}')" for value in values)
    return (
        f"(SELECT json_agg(json_build_object('{key}', upper(c.value), 'share', CASE WHEN "  # noqa: S608 - constant text
        f"t.voters = 0 THEN 0 ELSE c.n::float8 / t.voters END) ORDER BY c.n DESC, c.value) "
        f"FROM (SELECT k.value, count(x.{column}) AS n FROM (VALUES {listed}) k(value) "
        f"LEFT JOIN {table} x ON x.book_id = {{pk}} AND x.{column} = k.value GROUP BY k.value) c, "
        f"(SELECT {_VOTERS} AS voters) t)"
    )


def _shares_field(values, table, column, key, item, description):
    async def resolve(self, info: Info):
        traits = await info.context.loaders.get(TraitsByBookIdLoader).load(self.pk)
        pairs = getattr(traits, {"mood": "moods", "pace": "pace", "driver": "drivers"}[column])
        return [item(**{key: value, "share": share}) for value, share in pairs]

    resolve.__annotations__["return"] = list[item]
    field = strawberry_django.field(resolver=resolve, description=description)
    return sql(Raw(_every(values, table, column, key), columns=("pk",)))(field)


@strawberry_django.type(ContentWarning, name="ContentWarningCount")
class ContentWarningCount:
    """A content warning readers reported for a book."""

    name: str = model_field(description="The warning's name.")

    @sql(Expr(lambda viewer: F("top_severity")))
    @strawberry.field(description="The severity most reporters gave (the graver on a tie).")
    def severity(self) -> SeverityEnum:
        return self.top_severity

    @sql(Expr(lambda viewer: F("reports")))
    @strawberry.field(description="Readers who reported it.")
    def count(self) -> int:
        return self.reports


@strawberry_django.type(
    Book,
    name="BookTraits",
    description="How a book feels to the readers who finished or abandoned it and tagged it "
    "(`setBookTraits`): shares are of `voters`; lists most chosen first, ties by name.",
)
class BookTraits:
    """How a book feels to its readers (the book seen through their tags)."""

    @sql(Expr(lambda viewer: VOTERS))
    @strawberry_django.field(description="Readers who tagged the book.")
    async def voters(self, info: Info) -> int:
        return (await info.context.loaders.get(TraitsByBookIdLoader).load(self.pk)).voters

    moods = _shares_field(
        Mood.values,
        "impressions_booktraitmood",
        "mood",
        "mood",
        MoodShare,
        "Every mood with its share (0 when nobody chose it), most chosen first.",
    )
    pace = _shares_field(
        Pace.values,
        "impressions_booktraitvote",
        "pace",
        "value",
        PaceShare,
        "Every pace with its share, most chosen first.",
    )
    plot_or_character = _shares_field(
        Driver.values,
        "impressions_booktraitvote",
        "driver",
        "value",
        DriverShare,
        "Plot-driven, character-driven and a mix, with their shares, most chosen first.",
    )

    @sql(Rows(lambda row, viewer: reported_warnings(row.pk), many=True))
    @strawberry_django.field(description="Content warnings reported, most reported first.")
    async def content_warnings(self, info: Info) -> list[ContentWarningCount]:
        traits = await info.context.loaders.get(TraitsByBookIdLoader).load(self.pk)
        return [_warning(name, severity, n) for name, severity, n in traits.warnings]


def _warning(name: str, severity: str, reports: int) -> ContentWarning:
    warning = ContentWarning(name=name)
    warning.top_severity, warning.reports = severity, reports
    return warning
