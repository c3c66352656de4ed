"""QuerySets and the expressions they take."""

from fastjango.orm.query.expressions import F, OrderBy, Q, Value
from fastjango.orm.query.lookups import register_lookup, register_transform
from fastjango.orm.query.queryset import QuerySet

__all__ = ["F", "OrderBy", "Q", "QuerySet", "Value", "register_lookup", "register_transform"]
