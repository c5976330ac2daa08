"""Every row in the project that points at a catalogue object, found without knowing its app.

`apps.catalog` sits below reading, lending, social and notifications and may not import them,
yet merging or deleting a book must account for their shelves, ratings, copies, activities…
These helpers walk Django's model metadata instead: reverse foreign keys and many-to-many
tables (`Book._meta.related_objects`, `Book._meta.many_to_many`), the unique constraints of
each related model, and generic foreign keys (`Activity.target`, `Notification.target`).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps as django_apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q


@dataclass(frozen=True)
class Relation:
    """`model.field` is a foreign key to the catalogue model being walked."""

    model: type[models.Model]
    field: models.ForeignKey

    @property
    def attname(self) -> str:
        return self.field.attname

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def rows(self, target_ids) -> models.QuerySet:
        return self.model._base_manager.filter(**{f"{self.attname}__in": list(target_ids)})


@dataclass(frozen=True)
class UniqueKey:
    """A unique constraint of a related model that includes the foreign key.

    Two rows pointing at different merged objects clash when they agree on `others` (and both
    match `condition`, for a conditional constraint) once they point at the same survivor.
    """

    name: str
    others: tuple[str, ...]  # attnames of the constraint's other fields
    condition: Q | None
    nulls_distinct: bool


def relations_to(model: type[models.Model]) -> list[Relation]:
    """Every foreign key to `model` in the project, including many-to-many tables."""
    found: dict[tuple[type[models.Model], str], Relation] = {}

    def add(related_model, field) -> None:
        found.setdefault((related_model, field.name), Relation(related_model, field))

    for rel in model._meta.related_objects:
        if rel.many_to_many:
            through = rel.through
            # An explicit through model has its own foreign key, listed as a separate relation.
            if through._meta.auto_created and rel.related_model is not model:
                add(through, through._meta.get_field(rel.field.m2m_reverse_field_name()))
        elif rel.related_model is not model:
            add(rel.related_model, rel.field)
    for field in model._meta.many_to_many:
        through = field.remote_field.through
        if through._meta.auto_created and field.related_model is not model:
            add(through, through._meta.get_field(field.m2m_field_name()))
    return list(found.values())


def unique_keys(relation: Relation) -> list[UniqueKey]:
    """The unique constraints of `relation.model` that include its foreign key."""
    meta = relation.model._meta
    name = relation.field.name
    keys: list[UniqueKey] = []

    def attnames(fields) -> tuple[str, ...]:
        return tuple(meta.get_field(f).attname for f in fields if f != name)

    if relation.field.unique:
        keys.append(UniqueKey(f"{meta.label}.{name}", (), None, True))
    for together in meta.unique_together:
        if name in together:
            keys.append(UniqueKey(f"{meta.label} {together}", attnames(together), None, True))
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and name in constraint.fields:
            keys.append(
                UniqueKey(
                    constraint.name,
                    attnames(constraint.fields),
                    constraint.condition,
                    constraint.nulls_distinct is not False,
                )
            )
    return keys


def generic_references() -> list[tuple[type[models.Model], GenericForeignKey]]:
    """Every generic foreign key (content type + object id) in the project."""
    return [
        (model, field)
        for model in django_apps.get_models()
        for field in model._meta.private_fields
        if isinstance(field, GenericForeignKey)
    ]


def repoint_generic(model: type[models.Model], moves: dict[int, int]) -> None:
    """Generic references to rows of `model` follow them: `{old pk: new pk}`."""
    if not moves:
        return
    content_type = ContentType.objects.get_for_model(model)
    by_target: dict[int, list[int]] = defaultdict(list)
    for old, new in moves.items():
        by_target[new].append(old)
    for holder, gfk in generic_references():
        for new, olds in by_target.items():
            holder._base_manager.filter(
                **{gfk.ct_field: content_type, f"{gfk.fk_field}__in": olds}
            ).update(**{gfk.fk_field: new})


def delete_generic(model: type[models.Model], pks) -> None:
    """Generic references to rows of `model` that are going away (they would dangle)."""
    content_type = ContentType.objects.get_for_model(model)
    for holder, gfk in generic_references():
        holder._base_manager.filter(
            **{gfk.ct_field: content_type, f"{gfk.fk_field}__in": list(pks)}
        ).delete()


def live_rows(relation: Relation, target_ids) -> int:
    """How many rows of `relation` pointing at `target_ids` are in a "live" state.

    A conditional unique constraint on the foreign key marks a state that may exist once per
    key at a time (today: a reader's waiting, ready or on-loan reservation of a book); such
    rows are people's current business, which neither a merge nor a delete may drop silently.
    """
    if relation.model._meta.app_label == "catalog":
        return 0  # the catalogue's own rows (a book's default edition) are nobody's business
    conditions = [key.condition for key in unique_keys(relation) if key.condition is not None]
    if not conditions:
        return 0
    live = Q()
    for condition in conditions:
        live |= condition
    return relation.rows(target_ids).filter(live).count()
