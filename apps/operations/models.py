"""Operations registered from a client's persisted-query manifest (`manage.py register_operations`).

In allow-list mode (`GRAPHQL_ALLOWLIST`) only these run; in any mode a client may ask for one by
its hash alone (`extensions.persistedQuery.sha256Hash`) instead of sending its text.
"""

from django.db import models


class OperationType(models.TextChoices):
    QUERY = "query", "Query"
    MUTATION = "mutation", "Mutation"
    SUBSCRIPTION = "subscription", "Subscription"


class RegisteredOperation(models.Model):
    """One GraphQL document a client may run, keyed by the SHA-256 of its exact text."""

    sha256 = models.CharField(
        "SHA-256", max_length=64, unique=True, help_text="Hex SHA-256 of the body, as sent."
    )
    operation_name = models.CharField(max_length=200, blank=True)
    operation_type = models.CharField(
        max_length=12, choices=OperationType.choices, default=OperationType.QUERY
    )
    body = models.TextField(
        help_text="The document's exact text (one operation and its fragments)."
    )
    client_name = models.CharField(
        max_length=100, blank=True, help_text="Who registered it (`register_operations --client`)."
    )
    document_id = models.CharField(
        max_length=200,
        blank=True,
        help_text="The id the manifest gave it (Apollo: the SHA-256; Relay: often an MD5).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("client_name", "operation_name", "sha256")
        indexes = [models.Index(fields=("client_name", "operation_name"))]

    def __str__(self) -> str:
        return f"{self.operation_name or '(anonymous)'} {self.sha256[:12]}"
