"""Leaf values in SQL exactly as the resolver path serializes them.

Each scalar's SQL gives the JSON value Strawberry would give: a `DateTime` as Python's
`isoformat()` (UTC, microseconds only when there are some), a `Decimal` as text, an enum as its
GraphQL name, an `ID` of a node as its global id (`base64("Type:pk")`).
"""

from graphql import GraphQLEnumType, GraphQLScalarType

from schema.compiled.collect import NotCompilable
from schema.compiled.sqltext import Sql, literal


def iso_datetime(column: str) -> str:
    """`datetime.isoformat()` of a `timestamptz`, in UTC."""
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (
        f"(to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN "
        f"mod(extract(microseconds FROM {column})::bigint, 1000000) <> 0 THEN "
        f"to_char({utc}, '.US') ELSE '' END || '+00:00')"
    )


def base64_text(text: str) -> str:
    """Base64 of UTF-8 text on one line (PostgreSQL wraps its output at 76 characters)."""
    return f"translate(encode(convert_to({text}, 'UTF8'), 'base64'), E'\\n', '')"


def global_id(type_name: str, pk_column: str) -> str:
    return base64_text(f"{literal(type_name + ':')} || {pk_column}")


def leaf(graphql_type, value: Sql) -> Sql:
    """`value` (SQL of the stored value) as the JSON the API gives for `graphql_type`."""
    if isinstance(graphql_type, GraphQLEnumType):
        cases = " ".join(
            f"WHEN {literal(str(_stored(v.value)))} THEN {literal(name)}"
            for name, v in graphql_type.values.items()
        )
        return "(CASE " + value + f"::text {cases} END)"
    if not isinstance(graphql_type, GraphQLScalarType):
        raise NotCompilable(f"{graphql_type} is not a leaf")
    name = graphql_type.name
    if name in ("String", "Boolean", "Int", "Float", "Date", "JSON"):
        return value
    if name == "DateTime":
        return Sql(iso_datetime(value.text), value.params)
    if name == "Decimal":
        return value + "::text"
    raise NotCompilable(f"scalar {name}")


def _stored(member):
    return getattr(member, "value", member)


TEXT_FIELDS = ("CharField", "TextField", "SlugField")


def ascii_json(json_text: str) -> str:
    """SQL writing the characters outside ASCII of a JSON text (`json_text`, SQL) as `\\uXXXX`
    escapes — surrogate pairs above U+FFFF — as Python's `json.dumps` does: a cursor over a
    name with a diacritic is the same text on both read paths."""
    escaped = (
        "(SELECT string_agg(CASE WHEN ascii(ch) < 128 THEN ch"
        " WHEN ascii(ch) < 65536 THEN '\\u' || lpad(to_hex(ascii(ch)), 4, '0')"
        " ELSE '\\u' || to_hex(55296 + ((ascii(ch) - 65536) >> 10))"
        " || '\\u' || to_hex(56320 + ((ascii(ch) - 65536) & 1023)) END, '' ORDER BY i)"
        f" FROM regexp_split_to_table({json_text}, '') WITH ORDINALITY AS _c(ch, i))"
    )
    return f"CASE WHEN {json_text} ~ '[^\\x01-\\x7f]' THEN {escaped} ELSE {json_text} END"


def cursor_json(field, column: str) -> str:
    """SQL for a column's value in a cursor, as strawberry-django writes it (JSON, `null`)."""
    json_text = f"to_json({cursor_text(field).replace('{}', column)})::text"
    if field.get_internal_type() in TEXT_FIELDS:
        json_text = ascii_json(json_text)
    return f"coalesce({json_text}, 'null')"


def cursor_text(field) -> str:
    """SQL turning a column of this Django field into the text strawberry-django's cursors
    hold (`Field.value_to_string`); `{}` is the column."""
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return iso_datetime("{}")
    if kind in (
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "PositiveBigIntegerField",
        "DecimalField",
        "DateField",
    ):
        return "{}::text"
    if kind in TEXT_FIELDS:
        return "{}"
    raise NotCompilable(f"cursor over a {kind}")
