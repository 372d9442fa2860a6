"""Arrow schemas derived from the record types, so Parquet batches always match the tables."""

from __future__ import annotations

import json
import types
import typing
from datetime import datetime
from functools import cache
from typing import Any

import pyarrow as pa

from snarewatch.schema import Record

_SCALARS: dict[Any, pa.DataType] = {
    str: pa.string(),
    int: pa.int64(),
    float: pa.float64(),
    bool: pa.bool_(),
    datetime: pa.timestamp("us", tz="UTC"),
}


def _arrow_type(annotation: Any) -> pa.DataType:
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin in (typing.Union, types.UnionType):
        return _arrow_type(args[0])
    if origin is typing.Literal:
        return pa.string()
    if origin is list:
        return pa.list_(_arrow_type(args[0]))
    if origin is dict:
        return pa.string()  # JSON text
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    raise TypeError(f"no Arrow type for {annotation!r}")


def _is_dict(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_is_dict(a) for a in typing.get_args(annotation))
    return origin is dict


@cache
def arrow_schema(record_type: type[Record]) -> pa.Schema:
    """The Arrow schema of a record type's table (one column per field, in field order)."""
    hints = typing.get_type_hints(record_type)
    return pa.schema(
        [pa.field(name, _arrow_type(hints[name])) for name in record_type.model_fields]
    )


@cache
def _dict_fields(record_type: type[Record]) -> frozenset[str]:
    hints = typing.get_type_hints(record_type)
    return frozenset(n for n in record_type.model_fields if _is_dict(hints[n]))


def to_table(records: typing.Sequence[Record]) -> pa.Table:
    """Records of one type as an Arrow table; dict fields become JSON text."""
    record_type = type(records[0])
    dict_fields = _dict_fields(record_type)
    rows = []
    for record in records:
        if type(record) is not record_type:
            raise TypeError("a batch holds records of one type only")
        row = record.model_dump()
        for name in dict_fields:
            if row[name] is not None:
                row[name] = json.dumps(row[name], ensure_ascii=False, sort_keys=True, default=str)
        rows.append(row)
    return pa.Table.from_pylist(rows, schema=arrow_schema(record_type))
