"""`manage.py search_index --rebuild`: rebuild the search documents (and OpenSearch indexes)."""

from django.core.management.base import BaseCommand, CommandError

from apps.search import engine
from apps.search.indexing import CHUNK
from apps.search.indexing import rebuild as rebuild_documents
from apps.search.models import Kind, SearchDocument

HELP = """\
Rebuilds search documents from the catalogue, readers and reading lists.

Changes are indexed after every commit; run this after bulk loads that send no signals (e.g.
`import_catalog`), after restoring a backup, or to repair an index. The database documents are
rebuilt in place. With OPENSEARCH_URL set, each type is also written to a new timestamped
OpenSearch index, and the type's alias is swapped to it in one atomic step: searches keep being
answered from the old index until then (no downtime), and old indexes are deleted afterwards.
Without --rebuild, prints how many documents of each type there are and the engine status.
"""


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="rebuild (see above)")
        parser.add_argument(
            "--type",
            dest="kinds",
            action="append",
            choices=[kind.value for kind in Kind],
            help="only this type (repeatable); all types by default",
        )

    def handle(self, *args, rebuild: bool, kinds: list[str] | None, **options) -> None:
        kinds = [Kind(kind) for kind in kinds or [k.value for k in Kind]]
        if not rebuild:
            for kind in kinds:
                count = SearchDocument.objects.filter(kind=kind).count()
                self.stdout.write(f"{kind.value}: {count} documents")
            self.stdout.write(f"engine: {engine.status(ping=True)}")
            return
        counts = rebuild_documents(kinds)
        for kind in kinds:
            self.stdout.write(f"{kind.value}: {counts[kind.value]} documents (database)")
        remote = engine.opensearch_engine()
        if remote is None:
            return
        for kind in kinds:
            try:
                index = remote.rebuild(kind, _documents(kind))
            except (engine.EngineUnavailable, RuntimeError) as exc:
                raise CommandError(f"OpenSearch {kind.value}: {exc}") from exc
            self.stdout.write(f"{kind.value}: alias {remote.alias(kind)} -> {index} (OpenSearch)")


def _documents(kind: str):
    queryset = SearchDocument.objects.filter(kind=kind).order_by("object_id")
    last = 0
    while True:
        chunk = list(queryset.filter(object_id__gt=last)[:CHUNK])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].object_id
