"""Views of the hello app: FastAPI-style functions, routed in urls.py.

Parameters work exactly as in FastAPI: ``name`` below comes from the route
``hello/<str:name>/``; other plain parameters would be query parameters, and a
Pydantic model parameter the request body. The return annotation is the
response model shown at /docs.
"""

from fastjango.core.conf import settings
from fastjango.core.urls import reverse

from .schemas import Greeting, Welcome


async def welcome() -> Welcome:
    """The home page: where to go next."""
    return Welcome(
        message="Welcome to mysite, a fastjango project.",
        docs=settings.API_DOCS_URL,
        try_it=reverse("hello:greeting", kwargs={"name": "world"}),
    )


async def greeting(name: str) -> Greeting:
    """Greet ``name``."""
    return Greeting(message=f"Hello, {name}!", name=name)
