"""The one BookNest GraphQL schema: query, mutation and subscription roots plus extensions."""

import inspect

import strawberry
from strawberry.tools import merge_types

from booknest.internals.strawberry import type_map
from schema.accounts.mutations import AccountsMutation
from schema.accounts.queries import AccountsQuery
from schema.accounts.subscriptions import AccountsSubscription
from schema.accounts.types import UserType
from schema.auth import AuthenticationExtension
from schema.catalog.mutations import CatalogMutation
from schema.catalog.queries import CatalogQuery
from schema.compiled.run import CompiledReads
from schema.conversation.mutations import ConversationMutation
from schema.conversation.types import CommentType, LikeType
from schema.discovery.queries import DiscoveryQuery
from schema.imports.mutations import ImportsMutation
from schema.imports.queries import ImportsQuery
from schema.imports.types import ImportJobType, ImportRowErrorType
from schema.impressions.mutations import ImpressionsMutation
from schema.impressions.types import ContentWarningType, QuoteType
from schema.introspection import IntrospectionSwitch
from schema.lending.mutations import LendingMutation
from schema.lending.queries import LendingQuery
from schema.lending.types import BookCopyType, ReservationType
from schema.limits import OperationLimits
from schema.masking import MaskErrors
from schema.media.mutations import MediaMutation
from schema.moderation.mutations import ModerationMutation
from schema.moderation.queries import ModerationQuery
from schema.nodes import NodeQuery
from schema.notifications.mutations import NotificationsMutation
from schema.notifications.queries import NotificationsQuery
from schema.notifications.types import NotificationType
from schema.observability import OperationLog
from schema.persisted import PersistedOperations
from schema.pipeline import Pipeline, PipelineSchema
from schema.ratelimit import RateLimit
from schema.reading.mutations import ReadingMutation
from schema.reading.queries import ReadingQuery
from schema.reading.types import (
    JournalEntryType,
    RatingType,
    ReadingGoalType,
    ReadingListType,
    ReviewType,
    UserBookType,
)
from schema.search.queries import SearchQuery
from schema.social.mutations import SocialMutation
from schema.social.queries import SocialQuery
from schema.social.safety import SafetyMutation
from schema.social.types import ActivityType
from schema.storable import StorableInput
from schema.subscriptions import Subscription as StreamsSubscription
from schema.subscriptions.context import PerOperationContext
from schema.token_scopes import TokenScopes

Query = merge_types(
    "Query",
    (
        NodeQuery,
        CatalogQuery,
        AccountsQuery,
        SocialQuery,
        NotificationsQuery,
        ReadingQuery,
        LendingQuery,
        DiscoveryQuery,
        SearchQuery,
        ModerationQuery,
        ImportsQuery,
    ),
)
Query.__doc__ = "Everything BookNest lets a client read."
Mutation = merge_types(
    "Mutation",
    (
        CatalogMutation,
        AccountsMutation,
        SocialMutation,
        SafetyMutation,
        ModerationMutation,
        NotificationsMutation,
        ReadingMutation,
        ConversationMutation,
        ImpressionsMutation,
        LendingMutation,
        MediaMutation,
        ImportsMutation,
    ),
)
Subscription = merge_types("Subscription", (StreamsSubscription, AccountsSubscription))
Subscription.__doc__ = StreamsSubscription.__doc__
Mutation.__doc__ = (
    "Everything BookNest lets a client change. Expected failures come back in each payload's "
    "`errors`; top-level errors mean the request itself was refused."
)


class Extensions(Pipeline):
    """The schema's extensions, run as one Strawberry extension (schema/pipeline.py).

    Order matters: hooks run in this order on the way in, in reverse on the way out.
    PerOperationContext first: a WebSocket operation gets its own context before anything runs;
    OperationLog then times and logs the whole operation, seeing errors as clients see them
    (after MaskErrors). A personal access token's scopes are checked right after its
    authentication. Input that cannot be stored, the allow-list and the limits refuse before
    anything executes; the rate limit spends the cost the limits computed.
    """

    steps = (
        PerOperationContext,
        OperationLog,
        MaskErrors,
        IntrospectionSwitch,
        AuthenticationExtension,
        TokenScopes,
        StorableInput,
        PersistedOperations,
        OperationLimits,
        RateLimit,
        CompiledReads,  # last: answers a planned query in one SQL statement, or lets it run
    )


schema = PipelineSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    extensions=[Extensions],
    types=[
        UserType,
        UserBookType,
        RatingType,
        ReviewType,
        ReadingListType,
        ReadingGoalType,
        JournalEntryType,
        QuoteType,
        ContentWarningType,
        ActivityType,
        CommentType,
        LikeType,
        NotificationType,
        BookCopyType,
        ReservationType,
        ImportJobType,
        ImportRowErrorType,
    ],
)


def describe_types_from_docstrings(built: strawberry.Schema) -> None:
    """A type's docstring becomes its description (Strawberry reads only `description=`)."""
    for concrete in type_map(built).values():
        origin = getattr(concrete.definition, "origin", None)
        doc = inspect.getdoc(origin) if origin is not None and "__doc__" in vars(origin) else None
        # Dataclasses without a docstring get their signature as one ("Query(*, node: …)").
        if doc and doc.startswith(f"{origin.__name__}("):
            doc = None
        if doc and not getattr(concrete.implementation, "description", None):
            concrete.implementation.description = doc


describe_types_from_docstrings(schema)
