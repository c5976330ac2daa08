"""Account mutations: tokens, sign-up and password, profile."""

from strawberry.tools import merge_types

from schema.accounts.mutations.account import AccountMutation
from schema.accounts.mutations.auth import AuthMutation
from schema.accounts.mutations.profile import ProfileMutation

AccountsMutation = merge_types("AccountsMutation", (AuthMutation, AccountMutation, ProfileMutation))
