"""Declared-field serializers: validation and DRF-shaped errors, hooks, sources, output, plain Pydantic models."""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import pydantic
import pytest

from fastjango.rest import serializers


class TrackSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=10)
    seconds = serializers.IntegerField(min_value=1, max_value=600)


class AlbumSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=20, min_length=2)
    artist_email = serializers.EmailField(source="artist.email")
    year = serializers.IntegerField(min_value=1900, max_value=2100, required=False, allow_null=True)
    price = serializers.DecimalField(max_digits=5, decimal_places=2, default=decimal.Decimal("9.99"))
    live = serializers.BooleanField(default=False)
    released = serializers.DateField(allow_null=True, required=False)
    code = serializers.UUIDField(required=False)
    format = serializers.ChoiceField(["cd", "vinyl"], default="cd")
    tags = serializers.ListField(child=serializers.CharField(max_length=5), required=False)
    secret = serializers.CharField(write_only=True, required=False)
    plays = serializers.IntegerField(read_only=True)
    length = serializers.SerializerMethodField()
    tracks = TrackSerializer(many=True, required=False)

    def get_length(self, album: Any) -> int:
        return sum(track.seconds for track in album.tracks)


@dataclass
class Artist:
    email: str


@dataclass
class Track:
    title: str
    seconds: int


@dataclass
class Album:
    name: str
    artist: Artist
    plays: int = 0
    year: int | None = None
    price: decimal.Decimal = decimal.Decimal("1.50")
    live: bool = False
    released: datetime.date | None = None
    code: uuid.UUID = field(default_factory=lambda: uuid.UUID(int=1))
    format: str = "cd"
    tags: list[str] = field(default_factory=list)
    secret: str = "hidden"
    tracks: list[Track] = field(default_factory=list)


VALID = {"name": "Blue", "artist_email": "joni@example.com", "tracks": [{"title": "A", "seconds": 60}]}


def test_valid_data_gives_validated_data_keyed_by_source_with_defaults_applied() -> None:
    refused = AlbumSerializer(data={**VALID, "plays": 99, "bonus": 1})
    assert not refused.is_valid()
    assert refused.errors == {"plays": ["This field is read-only."], "bonus": ["Unknown field."]}
    serializer = AlbumSerializer(data={**VALID, "year": "1971"})
    assert serializer.is_valid(), serializer.errors
    assert serializer.errors == {}
    assert serializer.validated_data == {
        "name": "Blue",
        "artist": {"email": "joni@example.com"},
        "year": 1971,
        "price": decimal.Decimal("9.99"),
        "live": False,
        "format": "cd",
        "tracks": [{"title": "A", "seconds": 60}],
    }  # `plays` is read-only: ignored; `secret`, `tags`, `released` were not sent


def test_errors_have_drfs_shape_and_wording() -> None:
    serializer = AlbumSerializer(
        data={
            "name": "A much too long album name",
            "artist_email": "not-an-email",
            "year": 1800,
            "live": "maybe",
            "released": None,
            "code": "nope",
            "format": "tape",
            "tags": ["ok", "far too long"],
            "tracks": [{"title": "Fine", "seconds": 10}, {"seconds": "x"}],
        }
    )
    assert not serializer.is_valid()
    assert serializer.validated_data == {}
    assert serializer.errors == {
        "name": ["Ensure this field has no more than 20 characters."],
        "artist_email": ["Enter a valid email address."],
        "year": ["Ensure this value is greater than or equal to 1900."],
        "live": ["Must be a valid boolean."],
        "code": ["Must be a valid UUID."],
        "format": ['"tape" is not a valid choice.'],
        "tags": {1: ["Ensure this field has no more than 5 characters."]},
        "tracks": [{}, {"title": ["This field is required."], "seconds": ["A valid integer is required."]}],
    }


def test_missing_null_and_blank_values() -> None:
    serializer = AlbumSerializer(data={"name": "", "artist_email": None})
    assert not serializer.is_valid()
    assert serializer.errors == {
        "name": ["This field may not be blank."],
        "artist_email": ["This field may not be null."],
    }
    serializer = AlbumSerializer(data={})
    assert not serializer.is_valid()
    assert serializer.errors == {"name": ["This field is required."], "artist_email": ["This field is required."]}
    serializer = AlbumSerializer(data=["not", "a", "dict"])
    assert not serializer.is_valid()
    assert serializer.errors == {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}


def test_raise_exception_raises_validation_error_with_the_detail() -> None:
    with pytest.raises(serializers.ValidationError) as caught:
        TrackSerializer(data={"title": "x"}).is_valid(raise_exception=True)
    assert caught.value.detail == {"seconds": ["This field is required."]}


class BookingSerializer(serializers.Serializer):
    guest = serializers.CharField()
    nights = serializers.IntegerField(validators=[lambda value: _even(value)])
    arrive = serializers.DateField()
    leave = serializers.DateField()

    def validate_guest(self, value: str) -> str:
        if value.lower() == "nobody":
            raise serializers.ValidationError("Tell us who is coming.")
        return value.title()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["leave"] <= attrs["arrive"]:
            raise serializers.ValidationError("Leave after you arrive.")
        attrs["by"] = self.context.get("user")
        return attrs


def _even(value: int) -> None:
    if value % 2:
        raise serializers.ValidationError("Book an even number of nights.")


def test_field_validators_and_validate_hooks() -> None:
    serializer = BookingSerializer(data={"guest": "nobody", "nights": 3, "arrive": "2026-01-02", "leave": "2026-01-05"})
    assert not serializer.is_valid()
    assert serializer.errors == {"nights": ["Book an even number of nights."]}
    serializer = BookingSerializer(data={"guest": "nobody", "nights": 2, "arrive": "2026-01-02", "leave": "2026-01-05"})
    assert not serializer.is_valid()
    assert serializer.errors == {"guest": ["Tell us who is coming."]}
    serializer = BookingSerializer(data={"guest": "ann", "nights": 2, "arrive": "2026-01-05", "leave": "2026-01-02"})
    assert not serializer.is_valid()
    assert serializer.errors == {"non_field_errors": ["Leave after you arrive."]}
    serializer = BookingSerializer(
        data={"guest": "ann lee", "nights": 2, "arrive": "2026-01-02", "leave": "2026-01-05"}, context={"user": "u1"}
    )
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["guest"] == "Ann Lee"
    assert serializer.validated_data["by"] == "u1"


class SlowCheckSerializer(serializers.Serializer):
    code = serializers.CharField()

    async def validate_code(self, value: str) -> str:
        if value == "taken":
            raise serializers.ValidationError("That code is taken.")
        return value


async def test_async_hooks_run_under_ais_valid_and_are_refused_by_is_valid() -> None:
    serializer = SlowCheckSerializer(data={"code": "taken"})
    assert not await serializer.ais_valid()
    assert serializer.errors == {"code": ["That code is taken."]}
    assert await SlowCheckSerializer(data={"code": "free"}).ais_valid()
    with pytest.raises(TypeError, match="ais_valid"):
        SlowCheckSerializer(data={"code": "free"}).is_valid()


def test_output_reads_sources_skips_write_only_and_calls_method_fields() -> None:
    album = Album(name="Blue", artist=Artist("joni@example.com"), plays=7, tracks=[Track("A", 60), Track("B", 90)])
    assert AlbumSerializer(album).data == {
        "name": "Blue",
        "artist_email": "joni@example.com",
        "year": None,
        "price": "1.50",
        "live": False,
        "released": None,
        "code": "00000000-0000-0000-0000-000000000001",
        "format": "cd",
        "tags": [],
        "plays": 7,
        "length": 150,
        "tracks": [{"title": "A", "seconds": 60}, {"title": "B", "seconds": 90}],
    }


def test_output_of_a_value_the_field_does_not_allow_is_explained() -> None:
    with pytest.raises(ValueError, match="could not output field 'seconds'"):
        _ = TrackSerializer(Track("A", None)).data  # type: ignore[arg-type]


def test_many_output_and_json_bytes() -> None:
    tracks = [Track("A", 60), Track("B", 90)]
    expected = [{"title": "A", "seconds": 60}, {"title": "B", "seconds": 90}]
    assert TrackSerializer(tracks, many=True).data == expected
    body = TrackSerializer.render_json(tracks)
    assert isinstance(body, bytes)
    assert body == json.dumps(expected, separators=(",", ":")).encode()
    assert TrackSerializer(tracks[0]).json() == b'{"title":"A","seconds":60}'


def test_many_input_reports_errors_per_item() -> None:
    serializer = TrackSerializer(data=[{"title": "A", "seconds": 1}, {"title": "B", "seconds": 0}], many=True)
    assert not serializer.is_valid()
    assert serializer.errors == [{}, {"seconds": ["Ensure this value is greater than or equal to 1."]}]
    serializer = TrackSerializer(data=[{"title": "A", "seconds": 1}], many=True)
    assert serializer.is_valid()
    assert serializer.validated_data == [{"title": "A", "seconds": 1}]


def test_partial_validation_requires_nothing_and_applies_no_defaults() -> None:
    serializer = AlbumSerializer(data={"year": 2001}, partial=True)
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data == {"year": 2001}
    serializer = AlbumSerializer(data={"name": "x"}, partial=True)
    assert not serializer.is_valid()
    assert serializer.errors == {"name": ["Ensure this field has at least 2 characters."]}


def test_the_three_models_and_their_json_schema() -> None:
    input_schema = AlbumSerializer.input_model.model_json_schema()
    properties = input_schema["properties"]
    assert set(input_schema["required"]) == {"name", "artist_email"}
    assert "plays" not in properties and "length" not in properties
    assert properties["name"] == {"maxLength": 20, "minLength": 2, "title": "Name", "type": "string"}
    assert properties["artist_email"]["format"] == "email"
    assert properties["year"]["anyOf"] == [{"maximum": 2100, "minimum": 1900, "type": "integer"}, {"type": "null"}]
    assert properties["format"]["enum"] == ["cd", "vinyl"]
    assert properties["released"]["anyOf"] == [{"format": "date", "type": "string"}, {"type": "null"}]
    assert properties["tracks"]["items"] == {"$ref": "#/$defs/TrackInput"}
    assert "required" not in AlbumSerializer.partial_model.model_json_schema()
    output = AlbumSerializer.output_model.model_json_schema(mode="serialization")
    assert "secret" not in output["properties"] and "plays" in output["properties"]
    assert AlbumSerializer.input_model is AlbumSerializer().input_model  # built once per class


def test_fields_named_like_basemodel_attributes_work() -> None:
    class Odd(serializers.Serializer):
        json = serializers.CharField()
        model_config = serializers.IntegerField()

    serializer = Odd(data={"json": "x", "model_config": 2})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data == {"json": "x", "model_config": 2}
    assert Odd({"json": "y", "model_config": 3}).data == {"json": "y", "model_config": 3}


class Point(pydantic.BaseModel):
    x: int = pydantic.Field(ge=0)
    y: int = 0


def test_a_plain_pydantic_model_is_accepted_as_a_serializer() -> None:
    point_serializer = serializers.as_serializer(Point)
    assert point_serializer.input_model is Point
    serializer = point_serializer(data={"x": -1})
    assert not serializer.is_valid()
    assert serializer.errors == {"x": ["Ensure this value is greater than or equal to 0."]}
    serializer = point_serializer(data={"x": 2})
    assert serializer.is_valid()
    assert serializer.validated_data == {"x": 2, "y": 0}
    assert point_serializer(Point(x=1, y=2)).data == {"x": 1, "y": 2}
    partial = point_serializer(data={"y": 5}, partial=True)
    assert partial.is_valid() and partial.validated_data == {"y": 5}

    class Path(serializers.Serializer):
        points = point_serializer(many=True)

    serializer = Path(data={"points": [{"x": 1}, {"x": "a"}]})
    assert not serializer.is_valid()
    assert serializer.errors == {"points": [{}, {"x": ["A valid integer is required."]}]}


def test_misuse_is_explained() -> None:
    with pytest.raises(TypeError, match="pass data="):
        TrackSerializer().is_valid()
    with pytest.raises(AssertionError, match=r"is_valid\(\)"):
        _ = TrackSerializer(data={}).errors
    with pytest.raises(TypeError, match="both read_only and write_only"):
        serializers.CharField(read_only=True, write_only=True)
    serializer = TrackSerializer(data={"title": "A", "seconds": 3})
    assert serializer.is_valid()
    with pytest.raises(NotImplementedError, match="create"):
        serializer.save()
