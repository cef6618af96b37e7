"""The values of a django-tables2 table for export, the same as `Table.as_values()`, five times faster.

`as_values()` re-derives for every cell what depends only on the column: which function gives the
value, which arguments it takes, whether the field has choices (get_FOO_display). A list export of
5,000 rows × 10 columns spent three quarters of its time there. Here each column is planned once and
each cell is a getattr chain and at most one call; anything the plan does not cover (an accessor that
raises, a dict record) falls back to django-tables2's own per-cell path, so the output is identical
(`core/tests/test_table_values.py` compares both on every list table).

Loading the rows cost as much again: the list pages `select_related` what they show, so every row
built four or five model instances. A column that only reads a field across foreign keys
(`item__indicator__category__name`) gets its value as an annotation instead, and only the relations
the other columns walk stay joined: one instance per row. A table that names what its remaining
columns read (`export_reads`) has its rows loaded with only those fields and the plain ones.
"""

from __future__ import annotations

import datetime
import logging
import operator
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models
from django.db.models import F
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django_tables2 import Column, DateColumn, ManyToManyColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.data import TableQuerysetData
from django_tables2.rows import BoundRow
from django_tables2.utils import A

from shian.core.tables_speed import cached_signature

log = logging.getLogger(__name__)

_ARGUMENTS = ("value", "record", "column", "bound_column", "bound_row", "table")
_FALLBACK = object()
_ANNOTATION = "shian_export_{}"


class _ColumnPlan:
    def __init__(self, table, bound_column):
        self.table = table
        self.bound_column = bound_column
        self.name = bound_column.name
        self.column = column = bound_column.column
        self.accessor = A(bound_column.accessor)
        self.parts = tuple(self.accessor.bits)
        self.empty_values = column.empty_values
        self.special = isinstance(column, ManyToManyColumn | BaseLinkColumn)
        fn = bound_column.value
        # A plain Column's value() is its render(), which returns the value: nothing to call.
        self.identity = (
            getattr(fn, "__func__", None) is Column.value
            and type(column).render is Column.render
            and type(column).value is Column.value
        )
        self.fn = fn
        self.is_date = getattr(fn, "__func__", None) is DateColumn.value
        if not self.identity:
            # as django-tables2's call_with_appropriate: all arguments to a **kwargs catch-all, else
            # exactly those named; a function naming one it cannot have gives None
            args, catch_all = cached_signature(fn)
            self.wanted = _ARGUMENTS if catch_all else tuple(args)
            self.never = not catch_all and any(a not in _ARGUMENTS for a in args)
        self.display_for: dict[type, str | None] = {}  # record class → "get_FOO_display" or None
        self.annotation = None  # set when the value comes as an annotation of the row
        self.choices = None  # that annotation's field's choices, as get_FOO_display reads them
        self.read = None  # record -> value, for the plainest of those (see lean())

    def lean(self, annotation, choices):
        """The value comes from `annotation` on a model row (mapped through `choices`, if any); the
        commonest columns get a reader that skips value()'s general path."""
        if choices is not None:  # the labels made plain strings once, not per cell
            choices = {key: force_str(label, strings_only=True) for key, label in choices.items()}
        self.annotation, self.choices = annotation, choices
        if self.special:
            return
        empty, get = self.empty_values, operator.attrgetter(annotation)
        if self.identity and choices is None:

            def read(record):
                value = get(record)
                return None if value in empty else value

        elif self.identity:

            def read(record):
                value = get(record)
                if value is not None:
                    value = _label(choices, value)
                return None if value in empty else value

        elif self.is_date and choices is None:

            def read(record):  # DateColumn.value: isoformat() of a date, else its template
                value = get(record)
                if value in empty:
                    return None
                return value.isoformat() if isinstance(value, datetime.date) else _FALLBACK

        elif self.wanted == ("value",) and not self.never and choices is None:
            fn = self.fn

            def read(record):
                value = get(record)
                return None if value in empty else fn(value=value)

        else:
            return
        self.read = read

    def field_chain(self, model):
        """The fields of the accessor when it reads one concrete field across forward foreign keys."""
        fields = []
        for i, part in enumerate(self.parts):
            try:
                field = model._meta.get_field(part)
            except FieldDoesNotExist:
                return None
            last = i == len(self.parts) - 1
            if last:
                if field.is_relation or not field.concrete:
                    return None
            elif not (field.many_to_one or field.one_to_one) or not field.concrete:
                return None
            else:
                model = field.related_model
            fields.append(field)
        return fields

    def relations(self, model):
        """The forward relations the accessor walks, as select_related paths ("campaign__region")."""
        out, path = [], []
        for part in self.parts:
            try:
                field = model._meta.get_field(part)
            except FieldDoesNotExist:
                break
            if not (field.concrete and (field.many_to_one or field.one_to_one)):
                break
            path.append(part)
            out.append("__".join(path))
            model = field.related_model
        return out

    def _display_name(self, record, penultimate, remainder):
        key = type(record)
        try:
            return self.display_for[key]
        except KeyError:
            pass
        name = None
        try:
            field = self.accessor.get_field(record)
            if getattr(field, "choices", ()) and hasattr(penultimate, f"get_{remainder}_display"):
                name = f"get_{remainder}_display"
        except FieldDoesNotExist:
            pass
        self.display_for[key] = name
        return name

    def resolve(self, record):
        """The cell's raw value as django-tables2 finds it, or _FALLBACK when unsure."""
        current = record
        last = len(self.parts) - 1
        for i, part in enumerate(self.parts):
            if i == last and isinstance(current, models.Model):
                display = self._display_name(record, current, part)
                if display:
                    return getattr(current, display)()
            try:
                current = getattr(current, part)
            except Exception:
                return _FALLBACK
            if callable(current):
                if getattr(current, "alters_data", False):
                    return _FALLBACK
                if not getattr(current, "do_not_call_in_templates", False):
                    current = current()
            if current is None:
                return None
        return current

    def value(self, record):
        if self.special or not isinstance(record, models.Model):
            return _FALLBACK
        if self.annotation is not None:
            value = getattr(record, self.annotation)
            if self.choices is not None and value is not None:
                value = _label(self.choices, value)
        else:
            value = self.resolve(record)
        if value is _FALLBACK:
            return _FALLBACK
        if value in self.empty_values:
            return None
        if self.identity:
            return value
        if self.never:
            return None
        available = {
            "value": value,
            "record": record,
            "column": self.column,
            "bound_column": self.bound_column,
        }
        kwargs = {}
        for name in self.wanted:
            if name == "table":
                kwargs[name] = self.table
            elif name == "bound_row":
                kwargs[name] = BoundRow(record, table=self.table)
            else:
                kwargs[name] = available[name]
        return self.fn(**kwargs)


def _label(choices, value):
    """get_FOO_display's label of a raw value, or the value itself."""
    try:
        label = choices.get(value, value)
    except TypeError:  # an unhashable value (a JSON list): made hashable as get_FOO_display does
        label = choices.get(make_hashable(value), value)
    return label if type(label) is str else force_str(label, strings_only=True)


def stable_order(table):
    """Ties broken by primary key: the export's rows keep one order whatever plan the database picks
    (the lean query below and the page's query may otherwise return equal rows in different orders)."""
    if not isinstance(table.data, TableQuerysetData):
        return
    qs = table.data.data
    ordering = list(qs.query.order_by) or list(qs.model._meta.ordering)
    if "pk" not in ordering and "-pk" not in ordering and qs.query.combinator is None:
        table.data.data = qs.order_by(*ordering, "pk")


def export_values(table, exclude_columns=()):
    """Rows like `table.as_values(exclude_columns)`: the header row, then one list per record."""
    columns = [
        c for c in table.columns.iterall() if not (c.column.exclude_from_export or c.name in exclude_columns)
    ]
    yield [force_str(c.header, strings_only=True) for c in columns]
    plans = [_ColumnPlan(table, c) for c in columns]
    records = _lean_records(table, plans)
    if records is None:
        for row in table.rows:
            yield _row_values(plans, row.record, row)
        return
    db, records = records.db, list(records)  # the query (and any prefetch) runs here
    # The columns that still read a record could walk a relation no longer joined: count, and say so.
    extra = []
    with connections[db].execute_wrapper(lambda execute, *a: extra.append(1) or execute(*a)):
        for record in records:
            yield _row_values(plans, record, None, table)
    if extra:
        log.warning(
            "导出 %s 时逐行查询 %d 次：列读取了未关联的对象或未载入的字段", type(table).__name__, len(extra)
        )


# What force_str(strings_only=True) hands back unchanged: most cells skip the call.
_PLAIN = frozenset(
    {str, int, float, bool, type(None), datetime.date, datetime.datetime, datetime.time, Decimal}
)


def _row_values(plans, record, row, table=None):
    values = []
    for plan in plans:
        value = plan.read(record) if plan.read is not None else plan.value(record)
        if value is _FALLBACK:
            if row is None:
                row = BoundRow(record, table=table)
            value = row.get_cell_value(plan.name)
        values.append(value if type(value) in _PLAIN else force_str(value, strings_only=True))
    return values


def _lean_records(table, plans):
    """The table's queryset with one model per row, or None when the table is not a plain queryset."""
    if not isinstance(table.data, TableQuerysetData):
        return None
    qs = table.data.data
    if qs.query.combinator or qs._fields is not None:
        return None
    model = qs.model
    annotations, joined = {}, set()
    for i, plan in enumerate(plans):
        # a value function given the record may read anything along its accessor: keep that joined
        reads_record = (
            not plan.identity
            and not plan.is_date  # DateColumn.value takes **kwargs but reads only the value
            and ("record" in plan.wanted or "bound_row" in plan.wanted)
        )
        chain = None if plan.special or reads_record else plan.field_chain(model)
        if chain:
            if len(chain) > 1:
                name = _ANNOTATION.format(i)
                annotations[name] = F("__".join(plan.parts))
            else:
                name = chain[0].attname  # the row's own field: read it directly
            plan.lean(name, dict(chain[-1].flatchoices) if chain[-1].choices else None)
        else:
            joined.update(plan.relations(model))
    keep = [path for path in joined if not any(o.startswith(path + "__") for o in joined)]
    reads = getattr(table, "export_reads", None)
    if reads is not None and not keep:
        # The table says what its other columns read: load only that and the fields read directly,
        # not the long texts and timestamps nobody exports (a deferred field read later would be a
        # query per row, which export_values reports).
        own = [p.annotation for p in plans if p.annotation and p.annotation not in annotations]
        return qs.select_related(None).only("pk", *own, *reads).annotate(**annotations)
    if not annotations and not joined:
        return table.data.data
    lean = qs.select_related(None)
    if keep:
        lean = lean.select_related(*keep)
    return lean.annotate(**annotations)
