"""GraphQL over HTTP through Django's async view, so Django middleware runs for every request."""

from django.conf import settings
from strawberry.django.views import AsyncGraphQLView

from schema import schema
from schema.context import Context


class GraphQLView(AsyncGraphQLView):
    async def get_context(self, request, response) -> Context:
        return Context(request=request, response=response)


graphql_view = GraphQLView.as_view(
    schema=schema, graphql_ide="graphiql" if settings.GRAPHIQL_ENABLED else None
)
