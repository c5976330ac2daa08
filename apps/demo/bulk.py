"""Bulk writes for the demo: rows are inserted in batches and their timestamps put back.

Django fills `auto_now`/`auto_now_add` fields with `now()` on insert whatever the object holds,
and the demo wants a history spread over two years. `bulk_update` could put the dates back, but
its CASE WHEN statements cost seconds for a few thousand rows; one parameterised UPDATE run
with `executemany` costs milliseconds on SQLite and PostgreSQL alike.
"""

from collections.abc import Sequence

from django.db import connection, models


def bulk_create_stamped(
    model: type[models.Model], objs: Sequence[models.Model], stamps: Sequence[dict]
) -> None:
    """Inserts `objs`, then sets each one's timestamp fields to its entry in `stamps`."""
    if not objs:
        return
    model.objects.bulk_create(objs, batch_size=500)
    for obj, stamp in zip(objs, stamps, strict=True):
        for name, value in stamp.items():
            setattr(obj, name, value)
    update_rows(model, objs, sorted({name for stamp in stamps for name in stamp}))


def update_rows(model: type[models.Model], objs: Sequence[models.Model], fields: list[str]):
    """Writes `fields` of saved `objs` as they are on the objects: one UPDATE per row, batched.

    Values go through each field's own conversion (`get_db_prep_save`), so dates, decimals
    and foreign keys are stored exactly as `save()` would store them.
    """
    if not objs or not fields:
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
    # Identifiers come from the model's own metadata, never from input.
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    rows = [
        [
            *(field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns),
            obj.pk,
        ]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
