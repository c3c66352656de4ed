"""Safe redirects: a ``next`` URL from the client is followed only when it stays on an allowed host.

.. code-block:: python

    target = safe_next_url(request, request.query_params.get("next"), default="/")

An attacker who can make a login page send people to ``https://evil.example/`` after they log
in has a convincing phishing page; browsers also read ``//evil.example``, ``/\\evil.example``,
``https:evil.example`` and URLs with tabs or newlines in them as other sites. Everything that
is not clearly a path on this site or an absolute URL on an allowed host is refused.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

__all__ = ["allowed_redirect_hosts", "safe_next_url", "url_has_allowed_host_and_scheme"]

_SAFE_SCHEMES = ("http", "https")


def url_has_allowed_host_and_scheme(
    url: str | None, allowed_hosts: str | Iterable[str] | None, require_https: bool = False
) -> bool:
    """Whether ``url`` is a safe redirect target: a relative path, or http(s) on one of ``allowed_hosts``.

    ``allowed_hosts`` are exact host names (with a port when the URL has one). ``require_https``
    refuses ``http://`` URLs (use it when the request itself came over HTTPS). Empty, ``None``,
    and anything with control characters, backslashes before the path or another scheme is
    refused.
    """
    if url is None or not isinstance(url, str):
        return False
    url = url.strip()
    if not url:
        return False
    hosts = {allowed_hosts} if isinstance(allowed_hosts, str) else set(allowed_hosts or ())
    hosts = {host.lower() for host in hosts if host}
    # Browsers turn backslashes into slashes: "/\\evil.com" is "//evil.com" to them.
    return _is_safe(url, hosts, require_https) and _is_safe(url.replace("\\", "/"), hosts, require_https)


def _is_safe(url: str, hosts: set[str], require_https: bool) -> bool:
    # Control characters (tabs and newlines are dropped by browsers: "java\tscript:") are never legitimate.
    if any(unicodedata.category(char) == "Cc" for char in url):
        return False
    if url.startswith("///"):  # urlsplit reads it as a path; browsers as a host
        return False
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # an invalid port or IPv6 literal
        return False
    del port
    scheme = parts.scheme.lower()
    # "https:evil.com" has a scheme and no host: browsers follow it to evil.com.
    if not parts.netloc and parts.scheme:
        return False
    if scheme and scheme not in _SAFE_SCHEMES:
        return False
    if require_https and scheme == "http":
        return False
    if not parts.netloc:
        return True
    # A URL with a host: it must be exactly an allowed one (no userinfo tricks: "testserver@evil.com").
    if "@" in parts.netloc:
        return False
    if not scheme and not url.startswith("//"):  # pragma: no cover - urlsplit finds a netloc only after "//"
        return False
    return parts.netloc.lower() in hosts


def allowed_redirect_hosts(request: Any) -> set[str]:
    """The request's own host (as the client sent it, already checked against ``ALLOWED_HOSTS``) and
    ``LOGIN_REDIRECT_ALLOWED_HOSTS``."""
    from fastjango.core.project import get_project

    hosts: set[str] = set()
    own = request.headers.get("host")
    if own:
        hosts.add(own.lower())
    extra = get_project().settings.get("LOGIN_REDIRECT_ALLOWED_HOSTS", None) or []
    hosts.update(str(host).lower() for host in extra)
    return hosts


def safe_next_url(request: Any, candidate: Any, default: str | None = None) -> str | None:
    """``candidate`` when it is a safe redirect target for ``request``, else ``default``."""
    if isinstance(candidate, str) and url_has_allowed_host_and_scheme(
        candidate, allowed_redirect_hosts(request), require_https=request.url.scheme == "https"
    ):
        return candidate.strip()
    return default
