"""The FastAPI app: path operations, Pydantic schemas and the session dependency."""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Annotated

from fastapi import FastAPI, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from stacks.fastapi_app.database import CreatedItem, Item, SessionDep, engine


class ItemCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    price: Decimal = Field(ge=0, max_digits=10, decimal_places=2)
    category: str = Field(min_length=1, max_length=50)
    active: bool = True


class ItemPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    price: Decimal
    created: datetime.datetime
    active: bool
    category: str


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    await engine.dispose()


app = FastAPI(lifespan=lifespan)


@app.get("/hello/")
async def hello() -> dict[str, str]:
    return {"message": "Hello, world!"}


@app.get("/items/", response_model=list[ItemPublic])
async def list_items(
    session: SessionDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Sequence[Item]:
    result = await session.scalars(select(Item).order_by(Item.id).offset(offset).limit(limit))
    return result.all()


@app.get("/items/{item_id}/", response_model=ItemPublic)
async def read_item(item_id: int, session: SessionDep) -> Item:
    item = await session.get(Item, item_id)
    if item is None:
        raise HTTPException(status_code=404, detail="Item not found")
    return item


@app.post("/items/", response_model=ItemPublic, status_code=201)
async def create_item(item: ItemCreate, session: SessionDep) -> CreatedItem:
    db_item = CreatedItem(**item.model_dump())
    session.add(db_item)
    await session.commit()
    await session.refresh(db_item)
    return db_item
