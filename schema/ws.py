"""The GraphQL WebSocket consumer (graphql-transport-ws and legacy graphql-ws) at /graphql."""

from strawberry.channels import GraphQLWSConsumer as StrawberryWSConsumer

from schema import schema
from schema.context import Context


class GraphQLWSConsumer(StrawberryWSConsumer):
    def __init__(self, **kwargs):
        super().__init__(schema=schema, **kwargs)

    async def get_context(self, request, response) -> Context:
        return Context(request=request, response=response)
