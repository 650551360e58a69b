"""Database helpers shared by the apps' services and selectors."""

from auditlog import get_logentry_model
from auditlog.cid import get_cid
from auditlog.context import auditlog_disabled, disable_auditlog
from auditlog.diff import model_instance_diff
from auditlog.registry import auditlog as auditlog_registry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connections, models, router, transaction
from django.db.models import F, Func, IntegerField, Subquery
from django.db.models.base import ModelState
from django.db.models.signals import post_init, post_save, pre_init, pre_save
from django.utils.encoding import smart_str


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


def from_row(model, values, *, fields=None, using="default"):
    """An instance of ``model`` from a written-out statement's ``values`` (as the cursor gave
    them) for ``fields`` (its concrete fields when None), converted as the ORM converts what it
    reads (SQLite's dates, for one); fields left out are deferred, as with ``only()``."""
    connection = connections[using]
    fields = model._meta.concrete_fields if fields is None else fields
    converted = []
    for field, value in zip(fields, values, strict=True):
        if value is not None:
            column = field.get_col(model._meta.db_table)
            for convert in (*connection.ops.get_db_converters(column),
                            *field.get_db_converters(connection)):
                value = convert(value, column, connection)
        converted.append(value)
    return model.from_db(using, [f.attname for f in fields], converted)


def create_once(instance, *, unique: tuple[str, ...]):
    """Insert ``instance`` unless a row with the same ``unique`` fields exists; returns
    ``(row, created)``: ``instance`` saved, or the row that was there (``created`` False).

    On PostgreSQL the row, its audit entry (django-auditlog's CREATE entry, with the request's
    actor and address, for a registered model) and, when it was there already, the existing row
    are one statement: one round trip where ``save()`` in a savepoint, the entry, the release and
    a look-up of the existing row on a conflict were four or five (``INSERT … ON CONFLICT DO
    NOTHING``, the entry inserted from its ``RETURNING``). ``post_save`` is then sent as
    ``save()`` would (auditlog's own receiver off: the entry is written). Elsewhere (SQLite) it
    is ``save()`` in a savepoint. Only a conflict on ``unique`` is absorbed: any other
    constraint raises ``IntegrityError``. Call it on an instance with no primary key.
    """
    model = type(instance)
    db = router.db_for_write(model, instance=instance)
    connection = connections[db]
    lookup = {name: getattr(instance, model._meta.get_field(name).attname) for name in unique}
    if connection.vendor != "postgresql":
        try:
            with transaction.atomic(using=db):
                instance.save(force_insert=True, using=db)
        except IntegrityError:
            existing = model._default_manager.using(db).filter(**lookup).first()
            if existing is None:  # another constraint
                raise
            return existing, False
        return instance, True

    opts = model._meta
    qn = connection.ops.quote_name
    fields = [f for f in opts.concrete_fields if not f.primary_key]
    values = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    returned = [opts.pk, *fields]
    columns = ", ".join(qn(f.column) for f in returned)
    entry_sql, entry_params = _audit_entry_insert(instance, connection)
    table = qn(opts.db_table)
    inserted = ", ".join(qn(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    conflict = ", ".join(qn(opts.get_field(name).column) for name in unique)
    where = " AND ".join(f"{qn(opts.get_field(name).column)} = %s" for name in unique)
    # Names are the models' own, quoted; every value is a parameter.
    sql = (
        f"WITH new AS (INSERT INTO {table} ({inserted}) VALUES ({placeholders}) "  # noqa: S608
        f"ON CONFLICT ({conflict}) DO NOTHING RETURNING {columns}){entry_sql} "
        f"SELECT true, {columns} FROM new UNION ALL "
        f"SELECT false, {columns} FROM {table} WHERE {where} AND NOT EXISTS (SELECT FROM new)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, *entry_params, *lookup.values()])
        row = cursor.fetchone()
    if row is None:  # the other row committed after this statement's snapshot: read it now
        return model._default_manager.using(db).get(**lookup), False
    created, pk = row[0], row[1]
    if not created:
        return model.from_db(db, [f.attname for f in returned], row[1:]), False
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = db
    with disable_auditlog():  # its entry is written above
        post_save.send(sender=model, instance=instance, created=True, update_fields=None,
                       raw=False, using=db)
    return instance, True


def _audit_entry_insert(instance, connection) -> tuple[str, list]:
    """The ``, entry AS (INSERT …)`` part of ``create_once``'s statement: the CREATE entry
    django-auditlog's ``post_save`` receiver would write for ``instance``, taking the new row's
    id from ``new``. Empty when the model is not registered or auditing is switched off."""
    if not auditlog_registry.contains(type(instance)) or auditlog_disabled.get():
        return "", []
    LogEntry = get_logentry_model()
    pk_name = instance._meta.pk.name
    instance.pk = 0  # a stand-in the statement replaces with the new id
    try:
        changes = model_instance_diff(
            None, instance, use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES
        )
        entry = LogEntry(
            content_type=ContentType.objects.get_for_model(instance), object_pk="0",
            object_id=0, object_repr=smart_str(instance), action=LogEntry.Action.CREATE,
            changes=changes, cid=get_cid(),
            serialized_data=LogEntry.objects._get_serialized_data_or_none(instance),
        )
    finally:
        instance.pk = None
    get_additional_data = getattr(instance, "get_additional_data", None)
    if callable(get_additional_data):
        entry.additional_data = get_additional_data()
    # the request's actor, address and port (auditlog's middleware listens for this)
    pre_save.send(sender=LogEntry, instance=entry, raw=False, using=connection.alias,
                  update_fields=None)
    qn = connection.ops.quote_name
    fields = [f for f in LogEntry._meta.concrete_fields if not f.primary_key]
    selected, params = [], []
    for f in fields:
        if f.name == "object_pk":
            selected.append(f"new.{qn(instance._meta.pk.column)}::text")
        elif f.name == "object_id":
            selected.append(f"new.{qn(instance._meta.pk.column)}")
        elif f.name == "changes" and pk_name in (changes or {}):
            new_id = f"new.{qn(instance._meta.pk.column)}"
            if isinstance(changes[pk_name][1], str):
                new_id += "::text"
            selected.append(f"jsonb_set(%s::jsonb, '{{{pk_name},1}}', to_jsonb({new_id}))")
            params.append(f.get_db_prep_save(f.pre_save(entry, True), connection))
        else:
            selected.append("%s")
            params.append(f.get_db_prep_save(f.pre_save(entry, True), connection))
    table = qn(LogEntry._meta.db_table)
    inserted = ", ".join(qn(f.column) for f in fields)
    select = ", ".join(selected)
    sql = f", entry AS (INSERT INTO {table} ({inserted}) SELECT {select} FROM new)"  # noqa: S608
    return sql, params  # names quoted, values parameters (as in create_once)


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
        # Every row is made before the COPY starts: reading a deferred field loads it with a
        # query, and a query sent in the middle of a COPY waits for ever.
        rows = _copy_rows(objs, fields, connection)
        columns = ", ".join(quote(f.column) for f in fields)
        sql = f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN"
        # psycopg's own cursor, so its errors are wrapped as Django's here (a caller tells a
        # lost connection from a failed statement by them: members.import_writes._failing).
        with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
    return objs


# Django's own field classes whose ``pre_save`` reads the attribute and whose
# ``get_db_prep_save`` gives back a value of this type unchanged: such a value is written as it
# is (in an import of 11,000 members and their audit entries, the preparation of every plain
# string and integer was a third of the write). A subclass may prepare its values otherwise, so
# only these exact classes qualify; any other value goes through Django's preparation.
_PLAIN = {
    models.CharField: str, models.TextField: str, models.SlugField: str,
    models.EmailField: str, models.BooleanField: bool,
    **dict.fromkeys((
        models.IntegerField, models.BigIntegerField, models.SmallIntegerField,
        models.PositiveIntegerField, models.PositiveSmallIntegerField,
        models.PositiveBigIntegerField, models.AutoField, models.BigAutoField,
    ), int),
}


def _plain_type(field):
    if type(field) in (models.ForeignKey, models.OneToOneField):
        return _plain_type(field.target_field)
    return _PLAIN.get(type(field))


def _copy_rows(objs, fields, connection, *, adding=True) -> list[list]:
    """The values of ``objs``' ``fields`` as ``bulk_create`` would send them (``adding``:
    ``auto_now`` fields filled in) or as ``bulk_update`` would (the attributes as they are)."""
    prepared = [(f, f.attname, _plain_type(f)) for f in fields]
    rows = []
    for obj in objs:
        values = obj.__dict__
        row = []
        for field, attname, plain in prepared:
            value = values.get(attname, _MISSING) if plain else _MISSING
            if value is not None and type(value) is not plain:
                value = field.pre_save(obj, True) if adding else getattr(obj, attname)
                value = field.get_db_prep_save(value, connection)
            row.append(value)
        rows.append(row)
    return rows


def bulk_change(model, objs, field_names, *, using="default") -> int:
    """Write ``field_names`` of ``objs`` (saved instances) to their rows, as ``bulk_update``
    does (no signals, no ``save()``); returns how many rows were changed.

    On PostgreSQL the values go by ``COPY`` into a temporary table and one ``UPDATE … FROM``
    writes them: ``bulk_update`` builds a ``CASE WHEN id = … THEN …`` per field over every row
    in Python, which for the 11,000 members of a roster import that changes them was most of
    the write (CPU, and a statement PostgreSQL plans afresh per batch). Elsewhere:
    ``bulk_update`` in batches of 500.
    """
    objs = list(objs)
    if not objs:
        return 0
    connection = connections[using]
    if connection.vendor != "postgresql":
        return model._base_manager.using(using).bulk_update(objs, field_names, batch_size=500)
    opts = model._meta
    fields = [opts.pk, *(opts.get_field(name) for name in field_names)]
    rows = _copy_rows(objs, fields, connection, adding=False)  # before the COPY, as above
    qn = connection.ops.quote_name
    table, pk = qn(opts.db_table), qn(opts.pk.column)
    columns = ", ".join(qn(f.column) for f in fields)
    assignments = ", ".join(f"{qn(f.column)} = new.{qn(f.column)}" for f in fields[1:])
    # Names are the model's own, quoted; every value goes through COPY.
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE bulk_change ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        with connection.wrap_database_errors, cursor.cursor.copy(
                f"COPY bulk_change ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM bulk_change AS new "  # noqa: S608
            f"WHERE {table}.{pk} = new.{pk}"
        )
        changed = cursor.rowcount
        cursor.execute("DROP TABLE bulk_change")
    return changed


_MISSING = object()


def instance_maker(model):
    """A function making new, unsaved instances of ``model`` from keyword values by attribute
    name (``branch_id``, not ``branch``), as ``model(**values)`` makes them: every other field
    at its default. ``Model.__init__`` sets each field through its descriptor, and for the
    11,000 members of a roster import and their audit entries that was a tenth of the write;
    this fills the instance's ``__dict__`` at once. Values are taken as given (no descriptor
    runs: an unknown name raises ``TypeError``, as ``__init__`` would). ``pre_init`` and
    ``post_init`` are sent as ``__init__`` sends them."""
    fields = model._meta.concrete_fields
    known = {f.attname for f in fields}
    fixed, computed = {}, []
    for field in fields:
        if field.has_default() and callable(field.default):
            computed.append(field)
        else:
            fixed[field.attname] = field.get_default()

    def make(**values):
        unknown = values.keys() - known
        if unknown:
            raise TypeError(f"{model.__name__}() got unexpected keyword arguments: "
                            f"{', '.join(sorted(unknown))}")
        pre_init.send(sender=model, args=(), kwargs=values)
        obj = model.__new__(model)
        obj._state = ModelState()
        state = obj.__dict__
        state.update(fixed)
        for field in computed:
            if field.attname not in values:
                state[field.attname] = field.get_default()
        state.update(values)
        post_init.send(sender=model, instance=obj)
        return obj

    return make
