"""The one BookNest GraphQL schema: query, mutation and subscription roots plus extensions."""

import strawberry
from strawberry import relay
from strawberry.tools import merge_types

from schema.accounts.types import UserType
from schema.auth import AuthenticationExtension
from schema.catalog.queries import CatalogQuery
from schema.lending.types import BookCopyType, ReservationType
from schema.notifications.types import NotificationType
from schema.reading.types import (
    RatingType,
    ReadingGoalType,
    ReadingListType,
    ReviewType,
    UserBookType,
)
from schema.social.types import ActivityType


@strawberry.type
class NodeQuery:
    node: relay.Node = relay.node(description="Any object, by its global id.")
    nodes: list[relay.Node] = relay.node(description="Several objects, by their global ids.")


Query = merge_types("Query", (NodeQuery, CatalogQuery))

schema = strawberry.Schema(
    query=Query,
    extensions=[AuthenticationExtension],
    types=[
        UserType,
        UserBookType,
        RatingType,
        ReviewType,
        ReadingListType,
        ReadingGoalType,
        ActivityType,
        NotificationType,
        BookCopyType,
        ReservationType,
    ],
)
