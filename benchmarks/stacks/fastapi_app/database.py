"""The SQLAlchemy engine, session dependency and ORM models, as in FastAPI's SQL tutorial."""

from __future__ import annotations

import datetime
import os
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Annotated

from fastapi import Depends
from sqlalchemy import URL, Numeric, String, func
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

DATABASE_URL = URL.create(
    "postgresql+asyncpg",
    username=os.environ.get("BENCH_PGUSER", "postgres"),
    password=os.environ.get("BENCH_PGPASSWORD") or None,
    host=os.environ.get("BENCH_PGHOST", "127.0.0.1"),
    port=int(os.environ.get("BENCH_PGPORT", "5432")),
    database=os.environ.get("BENCH_PGDATABASE", "fastjango_bench"),
)

# A fixed pool of 10, like the other stacks: the default (5 plus 10 overflow connections that are
# closed on return) would open and close connections under load and measure that instead. The
# ORM-only comparison sets BENCH_POOL_SIZE to its number of concurrent callers.
engine = create_async_engine(DATABASE_URL, pool_size=int(os.environ.get("BENCH_POOL_SIZE", "10")), max_overflow=0)
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)


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


async def get_session() -> AsyncIterator[AsyncSession]:
    async with SessionLocal() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
