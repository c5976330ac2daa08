"""Account mutations: tokens, sign-up and password, profile, email flows, sessions,
personal access tokens, leaving."""

from strawberry.tools import merge_types

from schema.accounts.mutations.account import AccountMutation
from schema.accounts.mutations.auth import AuthMutation
from schema.accounts.mutations.email import EmailMutation
from schema.accounts.mutations.leaving import LeavingMutation
from schema.accounts.mutations.personal_tokens import PersonalTokensMutation
from schema.accounts.mutations.profile import ProfileMutation
from schema.accounts.mutations.sessions import SessionMutation

AccountsMutation = merge_types(
    "AccountsMutation",
    (
        AuthMutation,
        AccountMutation,
        ProfileMutation,
        EmailMutation,
        SessionMutation,
        PersonalTokensMutation,
        LeavingMutation,
    ),
)
