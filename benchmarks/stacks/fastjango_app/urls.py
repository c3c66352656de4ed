"""The URL conf (``ROOT_URLCONF``)."""

from fastjango.core.urls import path
from stacks.fastjango_app.items import api
from stacks.fastjango_app.items.schemas import ItemPublic
from stacks.fastjango_app.views import hello

urlpatterns = [
    path("hello/", hello, name="hello"),
    path("items/", api.list_items, response_model=list[ItemPublic], name="item-list"),
    path("items/<int:item_id>/", api.read_item, response_model=ItemPublic, name="item-detail"),
    path("items/", api.create_item, methods=["POST"], status_code=201, response_model=ItemPublic, name="item-create"),
]
