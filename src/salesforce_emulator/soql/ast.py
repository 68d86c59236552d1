"""The SOQL syntax tree. Names are kept as written; the compiler resolves them (any case)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class FieldRef:
    path: tuple[str, ...]  # ("Account", "Owner", "Name"): relationships, then the field

    def __str__(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class DateLiteral:
    """``TODAY``, ``LAST_N_DAYS:30`` ...: a range of days relative to today."""

    name: str  # upper case
    n: int | None = None


@dataclass(frozen=True)
class LikePattern:
    """A LIKE pattern in SQL form: ``%``/``_`` wildcards, ``\\`` escapes the next character."""

    pattern: str


Value = str | int | float | bool | None | date | datetime | DateLiteral


@dataclass(frozen=True)
class Comparison:
    field: FieldRef
    op: str  # = != < <= > >=   ("<>" is read as "!=")
    value: Value


@dataclass(frozen=True)
class Like:
    field: FieldRef
    pattern: LikePattern


@dataclass(frozen=True)
class InList:
    field: FieldRef
    values: tuple[Value, ...]
    negated: bool = False


@dataclass(frozen=True)
class SemiJoin:
    field: FieldRef
    query: Query
    negated: bool = False


@dataclass(frozen=True)
class Not:
    expr: Expr


@dataclass(frozen=True)
class And:
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Expr, ...]


Expr = Comparison | Like | InList | SemiJoin | Not | And | Or


@dataclass(frozen=True)
class OrderItem:
    field: FieldRef
    descending: bool = False
    nulls_last: bool = False  # SOQL's default is NULLS FIRST in both directions


@dataclass(frozen=True)
class CountAll:
    """``COUNT()``."""


SelectItem = FieldRef | CountAll  # | Query (a child subquery), see Query.select


@dataclass(frozen=True)
class Query:
    select: tuple[FieldRef | CountAll | Query, ...]
    sobject: str  # the object, or for a child subquery the relationship name
    where: Expr | None = None
    order_by: tuple[OrderItem, ...] = ()
    limit: int | None = None
    offset: int | None = None

    @property
    def is_count(self) -> bool:
        return any(isinstance(item, CountAll) for item in self.select)
