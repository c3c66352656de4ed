"""Which ``next`` URLs are safe to redirect to: paths on this site and allowed hosts, nothing else."""

from __future__ import annotations

import pytest

from fastjango.auth.redirects import url_has_allowed_host_and_scheme

HOSTS = {"testserver", "app.example.com"}

HOSTILE = [
    "//evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "\\/evil.com",
    "https:evil.com",
    "https:/evil.com",
    "http://evil.com",
    "https://evil.com/path",
    "HTTP://evil.com",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\x08//evil.com",
    "/\x00/evil.com",
    "/\t/evil.com",
    "/\r\n/evil.com",
    "///evil.com",
    "////evil.com",
    "http://testserver@evil.com",
    "http://testserver:pw@evil.com/",
    "http://evil.com\\@testserver/",
    "http:\\\\evil.com",
    "http://testserver.evil.com/",
    "http://evil.com#@testserver",
    "data:text/html,<script>alert(1)</script>",
    "ftp://testserver/file",
    "http://[::1]:bad/",
    "http://testserver:99999/",
    "http://app.example.com.evil.com/",
    "\u2028//evil.com",
    "",
    "   ",
]

SAFE = [
    "/dashboard/?a=1",
    "/",
    "dashboard/",
    "/accounts/profile/#tab",
    "/%2F%2Fevil.com",  # a path on this site whose segment is escaped slashes, not another host
    "/search/?q=http://evil.com",
    "http://testserver/mine/",
    "https://app.example.com/home",
    "/caf\u00e9/",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_hostile_urls_are_refused(url: str) -> None:
    assert url_has_allowed_host_and_scheme(url, HOSTS) is False


@pytest.mark.parametrize("url", SAFE)
def test_safe_urls_are_allowed(url: str) -> None:
    assert url_has_allowed_host_and_scheme(url, HOSTS) is True


def test_require_https_refuses_plain_http() -> None:
    assert url_has_allowed_host_and_scheme("http://testserver/x", HOSTS, require_https=True) is False
    assert url_has_allowed_host_and_scheme("https://testserver/x", HOSTS, require_https=True) is True
    assert url_has_allowed_host_and_scheme("/x", HOSTS, require_https=True) is True


def test_nothing_allowed_without_hosts() -> None:
    assert url_has_allowed_host_and_scheme("http://testserver/", None) is False
    assert url_has_allowed_host_and_scheme("/still-fine/", None) is True
    assert url_has_allowed_host_and_scheme(None, HOSTS) is False
    assert url_has_allowed_host_and_scheme("http://TestServer/", "testserver") is True
