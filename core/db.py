"""Database helpers shared by the apps' services and selectors."""

from django.db import connections
from django.db.models import F, Func, IntegerField, Subquery


def lock_row(obj):
    """``obj``'s row read again and locked until the transaction ends: only its own row
    (``of=("self",)``), so nothing joined is locked with it. Call inside ``transaction.atomic``."""
    return type(obj)._default_manager.select_for_update(of=("self",)).get(pk=obj.pk)


def count_of(queryset):
    """How many rows ``queryset`` has, as a correlated subquery (``queryset`` filters on an
    ``OuterRef``): several counts on one row do not multiply each other, as joined ``Count``s
    would. ``COUNT`` without ``GROUP BY``, so no match counts 0."""
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


def bulk_insert(model, objs, *, with_pks=False, using="default") -> list:
    """Insert ``objs`` (new, unsaved) as ``bulk_create`` does: no signals, no ``save()``,
    ``auto_now``/``auto_now_add`` filled in, every constraint and trigger of the table checked
    by the database. With ``with_pks``, each object gets its id (as ``bulk_create`` gives it
    back on PostgreSQL). Returns the objects.

    On PostgreSQL the rows go in one ``COPY``: ``bulk_create`` there sends each column as an
    array (``UNNEST``) that psycopg escapes item by item in Python, which for the 11,000
    members of a roster import and their audit entries (JSON, quotes in every item) took most
    of the write. The ids come first from the table's sequence, in one query. Elsewhere:
    ``bulk_create`` in batches of 500.
    """
    objs = list(objs)
    if not objs:
        return objs
    connection = connections[using]
    if connection.vendor != "postgresql":
        return model._base_manager.using(using).bulk_create(objs, batch_size=500)
    opts = model._meta
    pk = opts.pk
    fields = [f for f in opts.concrete_fields if with_pks or f is not pk]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if with_pks:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [opts.db_table, pk.column, len(objs)],
            )
            for obj, (value,) in zip(objs, cursor.fetchall(), strict=True):
                setattr(obj, pk.attname, value)
        columns = ", ".join(quote(f.column) for f in fields)
        sql = f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN"
        # psycopg's own cursor, so its errors are wrapped as Django's here (a caller tells a
        # lost connection from a failed statement by them: members.import_writes._failing).
        with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
            for obj in objs:
                copy.write_row([
                    f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields
                ])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
    return objs
