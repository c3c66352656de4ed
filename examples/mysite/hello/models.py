"""Models of the hello app.

Models come from the ORM plugin ("orm" in INSTALLED_PLUGINS). After changing
one, run ``python manage.py makemigrations`` and ``python manage.py migrate``;
the migration files land in ``hello/migrations/``.
"""

from fastjango.orm import Model, fields


class Visitor(Model):
    """Someone the greeting page has greeted, and how often."""

    name = fields.CharField(max_length=100, unique=True)
    visits = fields.PositiveIntegerField(default=0)
    first_seen = fields.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name
