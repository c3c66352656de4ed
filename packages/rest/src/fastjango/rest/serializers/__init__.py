"""DRF's serializers over generated Pydantic models: ``from fastjango.rest import serializers``.

.. code-block:: python

    class CommentSerializer(serializers.ModelSerializer):
        class Meta:
            model = Comment
            fields = ["id", "body"]

    class PostSerializer(serializers.ModelSerializer):
        comments = CommentSerializer(many=True, required=False)

        class Meta:
            model = Post
            fields = ["id", "title", "author", "comments"]

    serializer = PostSerializer(data=body)
    if await serializer.ais_valid():
        post = await serializer.asave()

Each serializer class has ``input_model``, ``partial_model`` and
``output_model``: Pydantic models built once, which validate input with
pydantic-core and render output (``.data``, ``.json()``) without Python code
per field. See docs/rest/serializers.md.
"""

from fastjango.rest.serializers._base import Serializer, SerializerMeta
from fastjango.rest.serializers._errors import NON_FIELD_ERRORS, ValidationError
from fastjango.rest.serializers._model_serializer import ALL_FIELDS, ModelSerializer
from fastjango.rest.serializers._pydantic import PydanticSerializer, as_serializer
from fastjango.rest.serializers.fields import (
    BooleanField,
    CharField,
    ChoiceField,
    ComputedField,
    DateField,
    DateTimeField,
    DecimalField,
    DictField,
    DurationField,
    EmailField,
    Field,
    FloatField,
    HyperlinkedIdentityField,
    HyperlinkedRelatedField,
    IntegerField,
    JSONField,
    ListField,
    PrimaryKeyRelatedField,
    RelatedField,
    SerializerMethodField,
    SlugRelatedField,
    TimeField,
    UUIDField,
    empty,
)

__all__ = [
    "ALL_FIELDS",
    "NON_FIELD_ERRORS",
    "BooleanField",
    "CharField",
    "ChoiceField",
    "ComputedField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "DictField",
    "DurationField",
    "EmailField",
    "Field",
    "FloatField",
    "HyperlinkedIdentityField",
    "HyperlinkedRelatedField",
    "IntegerField",
    "JSONField",
    "ListField",
    "ModelSerializer",
    "PrimaryKeyRelatedField",
    "PydanticSerializer",
    "RelatedField",
    "Serializer",
    "SerializerMeta",
    "SerializerMethodField",
    "SlugRelatedField",
    "TimeField",
    "UUIDField",
    "ValidationError",
    "as_serializer",
    "empty",
]
