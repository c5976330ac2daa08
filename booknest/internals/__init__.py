"""The one folder for library internals: private names of Django, Strawberry, graphql-core or
Channels that BookNest relies on, each behind a function of its own and pinned by a test in
`tests/internals/` that fails when the library changes it. Nothing outside this folder may
reach for such a name.
"""
