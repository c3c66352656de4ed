"""fastjango-orm: Django-style models and QuerySets on SQLAlchemy 2, sync and async.

.. code-block:: python

    from fastjango.orm import Model, fields

    class Post(Model):
        title = fields.CharField(max_length=200)
        author = fields.ForeignKey("auth.User", on_delete=fields.CASCADE, related_name="posts")

    posts = [post async for post in Post.objects.filter(title__icontains="orm")]
"""

from fastjango.orm import fields, transaction
from fastjango.orm.__about__ import __version__
from fastjango.orm.constraints import CheckConstraint, UniqueConstraint
from fastjango.orm.exceptions import (
    DatabaseError,
    FieldError,
    ImproperlyConfigured,
    IntegrityError,
    MultipleObjectsReturned,
    NotLoadedError,
    NotSupportedError,
    ObjectDoesNotExist,
    PoolExhaustedError,
    ProtectedError,
    RestrictedError,
    SynchronousOnlyOperation,
    TransactionManagementError,
    ValidationError,
)
from fastjango.orm.fields import (
    CASCADE,
    DO_NOTHING,
    PROTECT,
    RESTRICT,
    SET,
    SET_DEFAULT,
    SET_NULL,
    IntegerChoices,
    TextChoices,
)
from fastjango.orm.indexes import Index
from fastjango.orm.manager import Manager
from fastjango.orm.models import Model, metadata
from fastjango.orm.query import F, Q, QuerySet, Value
from fastjango.orm.query.functions import (
    Avg,
    Case,
    Coalesce,
    Concat,
    Count,
    Exists,
    Length,
    Lower,
    Max,
    Min,
    Now,
    OuterRef,
    StdDev,
    Subquery,
    Sum,
    Upper,
    Variance,
    When,
)
from fastjango.orm.query.prefetch import Prefetch
from fastjango.orm.shortcuts import aget_object_or_404, get_object_or_404

__all__ = [
    "CASCADE",
    "DO_NOTHING",
    "PROTECT",
    "RESTRICT",
    "SET",
    "SET_DEFAULT",
    "SET_NULL",
    "Avg",
    "Case",
    "CheckConstraint",
    "Coalesce",
    "Concat",
    "Count",
    "DatabaseError",
    "Exists",
    "F",
    "FieldError",
    "ImproperlyConfigured",
    "Index",
    "IntegerChoices",
    "IntegrityError",
    "Length",
    "Lower",
    "Manager",
    "Max",
    "Min",
    "Model",
    "MultipleObjectsReturned",
    "NotLoadedError",
    "NotSupportedError",
    "Now",
    "ObjectDoesNotExist",
    "OuterRef",
    "PoolExhaustedError",
    "Prefetch",
    "ProtectedError",
    "Q",
    "QuerySet",
    "RestrictedError",
    "StdDev",
    "Subquery",
    "Sum",
    "SynchronousOnlyOperation",
    "TextChoices",
    "TransactionManagementError",
    "UniqueConstraint",
    "Upper",
    "ValidationError",
    "Value",
    "Variance",
    "When",
    "__version__",
    "aget_object_or_404",
    "fields",
    "get_object_or_404",
    "metadata",
    "transaction",
]
