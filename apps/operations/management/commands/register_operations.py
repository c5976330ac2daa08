"""`manage.py register_operations MANIFEST [--client NAME] [--replace]`.

Registers the operations of a client's persisted-query manifest (Apollo's or Relay's format, see
apps/operations/manifest.py) after checking each against the schema. All or nothing: a manifest
with any bad operation is refused (non-zero exit) and nothing is written.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.operations import registry
from apps.operations.manifest import ManifestError, read_manifest
from apps.operations.models import RegisteredOperation
from booknest.internals.strawberry import graphql_schema


class Command(BaseCommand):
    """Register a client's operation manifest for the allow-list (`GRAPHQL_ALLOWLIST`)."""

    help = (
        "Register the operations of a persisted-query manifest (Apollo's "
        "apollo-persisted-query-manifest or Relay's persisted_queries.json). Each operation "
        "must parse and validate against the schema; one bad operation refuses the whole file."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("manifest", help="Path to the manifest JSON file.")
        parser.add_argument(
            "--client",
            default="",
            help="Name of the client the operations belong to (shown in the admin).",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Also remove this client's registered operations that the manifest no longer "
            "lists.",
        )

    def handle(self, *args, manifest: str, client: str, replace: bool, **options) -> None:
        """Check the whole manifest, then register it in one transaction and report."""
        from schema import schema

        path = Path(manifest)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        try:
            parsed = read_manifest(text, graphql_schema(schema))
        except ManifestError as exc:
            raise CommandError(f"{path} is not a usable manifest: {exc}") from exc
        if parsed.errors:
            lines = "\n".join(f"  {error}" for error in parsed.errors)
            raise CommandError(
                f"{path}: {len(parsed.errors)} operation(s) refused, nothing registered:\n{lines}"
            )
        verbose = options["verbosity"] >= 1
        counts = {"registered": 0, "unchanged": 0, "updated": 0, "removed": 0}
        with transaction.atomic():
            existing = {
                op.sha256: op
                for op in RegisteredOperation.objects.filter(
                    sha256__in=[op.sha256 for op in parsed.operations]
                )
            }
            for operation in parsed.operations:
                current = existing.get(operation.sha256)
                if current is None:
                    status = "registered"
                    existing[operation.sha256] = RegisteredOperation.objects.create(
                        sha256=operation.sha256,
                        operation_name=operation.name,
                        operation_type=operation.type,
                        body=operation.body,
                        client_name=client,
                        document_id=operation.document_id,
                    )
                elif current.client_name != client:
                    # One row per text (sha256 is unique): it stays its first client's.
                    status = f"unchanged (registered by {current.client_name or 'no client'})"
                elif current.document_id != operation.document_id:
                    status = "updated"
                    current.document_id = operation.document_id
                    current.save(update_fields=["document_id"])
                else:
                    status = "unchanged"
                counts[status.split()[0]] += 1
                if verbose:
                    self.stdout.write(self._line(status, operation.name, operation.sha256))
            if replace:
                listed = {op.sha256 for op in parsed.operations}
                for stale in RegisteredOperation.objects.filter(client_name=client).exclude(
                    sha256__in=listed
                ):
                    stale.delete()
                    counts["removed"] += 1
                    if verbose:
                        self.stdout.write(self._line("removed", stale.operation_name, stale.sha256))
            transaction.on_commit(registry.invalidate)
        self.stdout.write(
            self.style.SUCCESS(
                f"{path} ({parsed.format}, {len(parsed.operations)} operations): "
                + ", ".join(f"{count} {what}" for what, count in counts.items())
            )
        )

    @staticmethod
    def _line(status: str, name: str, sha256: str) -> str:
        return f"  {status:<10} {name or '(anonymous)'} {sha256}"
