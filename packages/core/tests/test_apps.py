"""INSTALLED_APPS: finding AppConfigs, the three loading phases, lookups and errors."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from fastjango.core import ImproperlyConfigured, Project
from fastjango.core.apps import AppConfig, apps

MakeProject = Callable[..., Project]

BLOG_APPS = """
from fastjango.core.apps import AppConfig

ORDER = []


class BlogConfig(AppConfig):
    name = "{pkg}.blog"
    verbose_name = "The blog"

    def ready(self):
        from . import models

        ORDER.append(("ready", models.LOADED, self.apps.models_ready))
"""


def test_app_config_is_found_in_apps_module_and_ready_runs_after_models(
    package: Callable[..., str], make_project: MakeProject
) -> None:
    name = package(**{"blog/models": "LOADED = True\n"})
    package(**{"blog/apps": BLOG_APPS.format(pkg=name)})
    project = make_project(INSTALLED_APPS=[f"{name}.blog"])
    config = project.apps.get_app_config("blog")
    assert type(config).__name__ == "BlogConfig"
    assert (config.name, config.label, config.verbose_name) == (f"{name}.blog", "blog", "The blog")
    assert config.models_module is not None
    assert config.path is not None and config.path.endswith("blog")
    order = __import__(f"{name}.blog.apps", fromlist=["ORDER"]).ORDER
    assert order == [("ready", True, True)]
    assert project.apps.is_installed(f"{name}.blog")
    assert not project.apps.is_installed(f"{name}.shop")


def test_an_app_without_apps_module_gets_a_default_config(
    package: Callable[..., str], make_project: MakeProject
) -> None:
    name = package(**{"shop/views": "X = 1\n"})
    project = make_project(INSTALLED_APPS=[f"{name}.shop"])
    config = project.apps.get_app_config("shop")
    assert type(config) is AppConfig
    assert config.verbose_name == "Shop"
    assert config.models_module is None


def test_an_app_config_path_entry_is_accepted(package: Callable[..., str], make_project: MakeProject) -> None:
    name = package(**{"blog/models": "LOADED = True\n"})
    package(**{"blog/apps": BLOG_APPS.format(pkg=name)})
    project = make_project(INSTALLED_APPS=[f"{name}.blog.apps.BlogConfig"])
    assert project.apps.get_app_config("blog").verbose_name == "The blog"


def test_duplicate_labels_are_refused(package: Callable[..., str], make_project: MakeProject) -> None:
    name = package(**{"one/blog/views": "", "two/blog/views": ""})
    with pytest.raises(ImproperlyConfigured, match="App labels aren't unique.*'blog'"):
        make_project(INSTALLED_APPS=[f"{name}.one.blog", f"{name}.two.blog"])


def test_missing_app_is_named(make_project: MakeProject) -> None:
    with pytest.raises(
        ImproperlyConfigured, match="INSTALLED_APPS entry 'blogg' cannot be imported: no module named 'blogg'"
    ):
        make_project(INSTALLED_APPS=["blogg"])


def test_wrong_config_class_is_named(package: Callable[..., str], make_project: MakeProject) -> None:
    name = package(**{"blog/apps": "X = 1\n"})
    with pytest.raises(ImproperlyConfigured, match="has no AppConfig named 'MissingConfig'"):
        make_project(INSTALLED_APPS=[f"{name}.blog.apps.MissingConfig"])


def test_lookups_suggest_close_labels_and_models_register(
    package: Callable[..., str], make_project: MakeProject
) -> None:
    name = package(**{"blog/views": ""})
    project = make_project(INSTALLED_APPS=[f"{name}.blog"])
    with pytest.raises(LookupError, match="No installed app with label 'blgo'. Did you mean 'blog'"):
        project.apps.get_app_config("blgo")

    class Post:
        pass

    project.apps.register_model("blog", Post)
    assert project.apps.get_model("blog.post") is Post
    assert project.apps.get_model("blog", "Post") is Post
    assert project.apps.get_models() == [Post]
    with pytest.raises(LookupError, match="doesn't have a 'Comment' model"):
        project.apps.get_model("blog.Comment")


def test_the_apps_proxy_follows_the_active_project(package: Callable[..., str], make_project: MakeProject) -> None:
    name = package(**{"blog/views": ""})
    project = make_project(INSTALLED_APPS=[f"{name}.blog"])
    with project.activated():
        assert [config.label for config in apps.get_app_configs()] == ["blog"]


def test_register_check_from_ready_is_run_by_the_project(
    package: Callable[..., str], make_project: MakeProject
) -> None:
    name = package(
        **{
            "blog/apps": """
from fastjango.core.apps import AppConfig
from fastjango.core.checks import Warning


def posts_have_authors(project):
    return [Warning("Posts have no authors yet.", id="blog.W001")]


class BlogConfig(AppConfig):
    name = __name__.rpartition(".")[0]

    def ready(self):
        self.register_check(posts_have_authors, "blog")
"""
        }
    )
    project = make_project(INSTALLED_APPS=[f"{name}.blog"])
    assert [message.id for message in project.run_checks(tags=("blog",))] == ["blog.W001"]


def test_app_config_name_that_cannot_be_imported_is_named(
    package: Callable[..., str], make_project: MakeProject
) -> None:
    source = "from fastjango.core.apps import AppConfig\n\nclass ShopConfig(AppConfig):\n    name = 'shop'\n"
    name = package(**{"apps/shop/apps": source})
    with pytest.raises(
        ImproperlyConfigured, match=rf"ShopConfig.name = 'shop' cannot be imported; set name = '{name}.apps.shop'"
    ):
        make_project(INSTALLED_APPS=[f"{name}.apps.shop"])
