"""fastjango-rest: Django REST framework's way of building APIs, on Pydantic models.

.. code-block:: python

    from fastjango.rest import serializers

    class PostSerializer(serializers.ModelSerializer):
        class Meta:
            model = Post
            fields = "__all__"

    class PostViewSet(viewsets.ModelViewSet):
        queryset = Post.objects.all()
        serializer_class = PostSerializer

    router = routers.DefaultRouter()
    router.register("posts", PostViewSet)
    urlpatterns = [path("api/", include(router.urls))]

See docs/rest/.
"""

from fastjango.rest import serializers
from fastjango.rest.__about__ import __version__

__all__ = ["__version__", "serializers"]
