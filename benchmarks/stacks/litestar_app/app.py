"""The Litestar app: route handlers, the SQLAlchemy plugin's session and DTOs for output."""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated

import msgspec
from advanced_alchemy.extensions.litestar import (
    AsyncSessionConfig,
    EngineConfig,
    SQLAlchemyAsyncConfig,
    SQLAlchemyDTO,
    SQLAlchemyPlugin,
    async_autocommit_before_send_handler,
)
from litestar import Litestar, get, post
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import Parameter
from sqlalchemy import URL, Numeric, String, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class ItemColumns:
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    created: Mapped[datetime.datetime] = mapped_column(server_default=func.now())
    active: Mapped[bool] = mapped_column(default=True)
    category: Mapped[str] = mapped_column(String(50))


class Item(ItemColumns, Base):
    __tablename__ = "bench_item"


class CreatedItem(ItemColumns, Base):
    __tablename__ = "bench_item_created"


class ItemCreate(msgspec.Struct):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    # msgspec cannot constrain a Decimal; the handler checks its range and places.
    price: Decimal
    category: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    active: bool = True


ItemDTO = SQLAlchemyDTO[Item]
CreatedItemDTO = SQLAlchemyDTO[CreatedItem]


@get("/hello/")
async def hello() -> dict[str, str]:
    return {"message": "Hello, world!"}


@get("/items/", return_dto=ItemDTO)
async def list_items(
    db_session: AsyncSession,
    limit: Annotated[int, Parameter(ge=1, le=100)] = 20,
    offset: Annotated[int, Parameter(ge=0)] = 0,
) -> Sequence[Item]:
    result = await db_session.scalars(select(Item).order_by(Item.id).offset(offset).limit(limit))
    return result.all()


@get("/items/{item_id:int}/", return_dto=ItemDTO)
async def read_item(item_id: int, db_session: AsyncSession) -> Item:
    item = await db_session.get(Item, item_id)
    if item is None:
        raise NotFoundException(detail="Item not found")
    return item


@post("/items/", return_dto=CreatedItemDTO)
async def create_item(data: ItemCreate, db_session: AsyncSession) -> CreatedItem:
    exponent = data.price.as_tuple().exponent
    if not (0 <= data.price < 100_000_000 and isinstance(exponent, int) and exponent >= -2):
        raise ValidationException(detail="price: a decimal from 0 to 99999999.99 with at most 2 decimal places")
    item = CreatedItem(**msgspec.structs.asdict(data))
    db_session.add(item)
    await db_session.flush()
    await db_session.refresh(item)
    return item


database = SQLAlchemyAsyncConfig(
    connection_string=URL.create(
        "postgresql+asyncpg",
        username=os.environ.get("BENCH_PGUSER", "postgres"),
        password=os.environ.get("BENCH_PGPASSWORD") or None,
        host=os.environ.get("BENCH_PGHOST", "127.0.0.1"),
        port=int(os.environ.get("BENCH_PGPORT", "5432")),
        database=os.environ.get("BENCH_PGDATABASE", "fastjango_bench"),
    ).render_as_string(hide_password=False),
    # The same fixed pool of 10 connections as the other stacks.
    engine_config=EngineConfig(pool_size=10, max_overflow=0),
    session_config=AsyncSessionConfig(expire_on_commit=False),
    before_send_handler=async_autocommit_before_send_handler,
    create_all=False,
)

app = Litestar(
    route_handlers=[hello, list_items, read_item, create_item],
    plugins=[SQLAlchemyPlugin(config=database)],
)
