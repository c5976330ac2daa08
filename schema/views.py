"""GraphQL over HTTP through Django's async view, so Django middleware runs for every request."""

from django.conf import settings
from django.views.decorators.csrf import csrf_exempt
from strawberry.django.views import AsyncGraphQLView

from schema import schema
from schema.auth import resolve_viewer, token_from_headers
from schema.context import Context


class GraphQLView(AsyncGraphQLView):
    async def get_context(self, request, response) -> Context:
        user, error = await resolve_viewer(token_from_headers(request.headers))
        return Context(request=request, response=response, user=user, auth_error=error)


# CSRF-exempt because the API authenticates by header only (see schema/auth.py): a cookie
# never makes a request act as someone, so a cross-site request can do nothing a stranger can't.
graphql_view = csrf_exempt(
    GraphQLView.as_view(
        schema=schema, graphql_ide="graphiql" if settings.GRAPHIQL_ENABLED else None
    )
)
