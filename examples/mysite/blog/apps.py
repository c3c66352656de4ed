"""Configuration of the blog app: its name, label and start-up code."""

from fastjango.core import AppConfig


class BlogConfig(AppConfig):
    """The blog app; fastjango uses this class because it is the only AppConfig here."""

    name = "blog"
    label = "blog"
    verbose_name = "Blog"

    def ready(self) -> None:
        """Run once every installed app is loaded: connect signals and register system checks here.

        For example ``self.register_check(my_check)``, where ``my_check(project)``
        yields ``fastjango.core.checks.Warning`` or ``Error`` messages that
        ``python manage.py check`` reports.
        """
