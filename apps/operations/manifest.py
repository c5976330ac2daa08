"""Reading a client's operation manifest and checking each operation against the schema.

Two formats:
- Apollo's (`@apollo/generate-persisted-query-manifest`): `{"format":
  "apollo-persisted-query-manifest", "version": 1, "operations": [{"id", "name", "type",
  "body"}]}`, where `id` is the SHA-256 of `body`.
- Relay's `persisted_queries.json` (`relay-compiler` with `persistConfig.file`): `{"<id>":
  "<text>"}`, where the id is an MD5 (Relay's default) or a SHA-256 of the text.

Every problem is collected (`Manifest.errors`) so that one run reports them all.
"""

import json
import re
from dataclasses import dataclass, field

from graphql import GraphQLError, GraphQLSchema, OperationDefinitionNode, parse, validate

from apps.operations.registry import sha256_of

APOLLO_FORMAT = "apollo-persisted-query-manifest"
SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")


class ManifestError(Exception):
    """The file is not a manifest at all (not JSON, not one of the two formats)."""


@dataclass(frozen=True)
class Operation:
    """One checked operation of a manifest."""

    sha256: str
    name: str
    type: str
    body: str
    document_id: str


@dataclass
class Manifest:
    """The operations of a manifest that passed every check, and what is wrong with the rest."""

    format: str
    operations: list[Operation] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def read_manifest(text: str, schema: GraphQLSchema) -> Manifest:
    """Parse a manifest (either format) and check each operation against `schema`."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ManifestError(f"not valid JSON: {exc}") from exc
    if isinstance(data, dict) and "format" in data:
        return _read_apollo(data, schema)
    if isinstance(data, dict) and all(isinstance(v, str) for v in data.values()):
        manifest = Manifest(format="relay")
        for document_id, body in data.items():
            _check(manifest, schema, document_id=document_id, body=body, label=document_id)
        return manifest
    raise ManifestError(
        f'neither an Apollo manifest ({{"format": "{APOLLO_FORMAT}", ...}}) nor a Relay '
        'persisted_queries.json ({"<id>": "<query text>"})'
    )


def _read_apollo(data: dict, schema: GraphQLSchema) -> Manifest:
    if data.get("format") != APOLLO_FORMAT:
        raise ManifestError(f"unknown manifest format {data.get('format')!r}")
    if data.get("version") != 1:
        raise ManifestError(f"unsupported {APOLLO_FORMAT} version {data.get('version')!r}")
    operations = data.get("operations")
    if not isinstance(operations, list):
        raise ManifestError("`operations` must be a list")
    manifest = Manifest(format="apollo")
    for index, entry in enumerate(operations):
        label = f"operations[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("body"), str):
            manifest.errors.append(f"{label}: needs a `body` string")
            continue
        document_id = entry.get("id")
        if not isinstance(document_id, str) or not document_id:
            manifest.errors.append(f"{label}: needs an `id` string")
            continue
        label = f"{label} ({entry.get('name') or document_id})"
        _check(
            manifest,
            schema,
            document_id=document_id,
            body=entry["body"],
            label=label,
            name=entry.get("name"),
            type_=entry.get("type"),
        )
    return manifest


def _check(
    manifest: Manifest,
    schema: GraphQLSchema,
    *,
    document_id: str,
    body: str,
    label: str,
    name: str | None = None,
    type_: str | None = None,
) -> None:
    """Append the operation to `manifest`, or what is wrong with it to `manifest.errors`."""
    sha256 = sha256_of(body)
    if SHA256_HEX.fullmatch(document_id) and document_id.lower() != sha256:
        manifest.errors.append(
            f"{label}: id {document_id} is not the SHA-256 of its body ({sha256})"
        )
        return
    try:
        document = parse(body)
    except GraphQLError as exc:
        manifest.errors.append(f"{label}: does not parse: {exc.message}")
        return
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1:
        manifest.errors.append(f"{label}: needs exactly one operation, has {len(operations)}")
        return
    if problems := validate(schema, document):
        messages = "; ".join(problem.message for problem in problems)
        manifest.errors.append(f"{label}: does not validate against the schema: {messages}")
        return
    operation = operations[0]
    actual_name = operation.name.value if operation.name else ""
    actual_type = operation.operation.value
    if name is not None and name != actual_name:
        manifest.errors.append(f"{label}: named {name!r} but its operation is {actual_name!r}")
        return
    if type_ is not None and type_ != actual_type:
        manifest.errors.append(f"{label}: typed {type_!r} but its operation is a {actual_type}")
        return
    manifest.operations.append(
        Operation(
            sha256=sha256, name=actual_name, type=actual_type, body=body, document_id=document_id
        )
    )
