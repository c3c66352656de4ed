"""Which origins may send unsafe requests: the request's own, and CSRF_TRUSTED_ORIGINS (with ``*.`` wildcards)."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.types import Scope

__all__ = ["TrustedOrigins", "normalize_origin", "request_origin"]

_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_origin(value: str) -> str | None:
    """``scheme://host[:port]`` in lower case, the default port dropped; ``None`` if ``value`` is not an origin."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def request_origin(scope: Scope, secure: bool) -> str | None:
    """The origin the request was sent to: its scheme (HTTPS as seen through a trusted proxy) and Host."""
    host = ""
    for name, value in scope.get("headers", ()):
        if name == b"host":
            host = value.decode("latin-1")
            break
    if not host and scope.get("server"):
        server_host, server_port = scope["server"]
        host = f"{server_host}:{server_port}"
    return normalize_origin(f"{'https' if secure else 'http'}://{host}") if host else None


class TrustedOrigins:
    """Exact origins, and wildcard ones (``https://*.example.com`` matches every subdomain, not the domain)."""

    def __init__(self, origins: Iterable[str]) -> None:
        exact: set[str] = set()
        wildcards: list[tuple[str, str, str]] = []  # (scheme, ".example.com", ":port" or "")
        for origin in origins:
            scheme, _, rest = origin.partition("://")
            if rest.startswith("*."):
                normalized = normalize_origin(f"{scheme}://{rest[2:]}")
                if normalized is not None:
                    base = normalized.partition("://")[2]
                    host, colon, port = base.partition(":")
                    wildcards.append((scheme.lower(), "." + host, colon + port))
                continue
            normalized = normalize_origin(origin)
            if normalized is not None:
                exact.add(normalized)
        self.exact = frozenset(exact)
        self.wildcards = tuple(wildcards)

    def allows(self, origin: str, own: str | None) -> bool:
        """Whether a normalized ``origin`` is the request's own or a trusted one."""
        if origin == own or origin in self.exact:
            return True
        scheme, _, rest = origin.partition("://")
        host, colon, port = rest.partition(":")
        return any(
            scheme == w_scheme and host.endswith(w_suffix) and len(host) > len(w_suffix) and colon + port == w_port
            for w_scheme, w_suffix, w_port in self.wildcards
        )
