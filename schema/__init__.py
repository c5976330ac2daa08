"""The one BookNest GraphQL schema: query, mutation and subscription roots plus extensions."""

import strawberry
from strawberry import relay
from strawberry.tools import merge_types
from strawberry_django.optimizer import DjangoOptimizerExtension

from schema.auth import AuthenticationExtension
from schema.catalog.queries import CatalogQuery


@strawberry.type
class NodeQuery:
    node: relay.Node = relay.node(description="Any object, by its global id.")
    nodes: list[relay.Node] = relay.node(description="Several objects, by their global ids.")


Query = merge_types("Query", (NodeQuery, CatalogQuery))

schema = strawberry.Schema(query=Query, extensions=[AuthenticationExtension, DjangoOptimizerExtension])
