"""Allowed origins: exact ``scheme://host[:port]``, as a browser sends them in ``Origin``.

An origin is compared as a whole string, after the same normalising the browser does (lower-case
host, IDNA, the scheme's default port left out), so no pattern can match more than it names:
``https://example.com`` does not allow ``https://evil-example.com`` or ``http://example.com``.
"""

import re
from urllib.parse import urlsplit

from surveys.kernel.errors import ValidationError

MAX_ORIGINS = 20
MAX_ORIGIN_LENGTH = 200
DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST = re.compile(
    r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*"
)
_IPV4 = re.compile(r"(?:[0-9]{1,3}\.){3}[0-9]{1,3}")


def normalise_origin(text: str) -> str:
    """``text`` as the browser would send it in ``Origin``.

    :raises ValueError: not an http(s) origin, or it has a path, query, user, or wildcard.
    """
    raw = (text or "").strip()
    if not raw or len(raw) > MAX_ORIGIN_LENGTH:
        raise ValueError("must be an origin like https://app.example.com")
    if "*" in raw:
        raise ValueError("wildcards are not allowed: name each origin exactly")
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.netloc:
        raise ValueError("must start with https:// (or http://) and name a host")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError("an origin has no path: scheme, host and port only")
    if parts.username is not None or parts.password is not None:
        raise ValueError("an origin has no user name or password")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("the port must be a number from 1 to 65535") from None
    host = _host(parts.hostname or "")
    if port == 0:
        raise ValueError("the port must be a number from 1 to 65535")
    if port is None or port == DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def _host(hostname: str) -> str:
    if hostname.startswith("[") or ":" in hostname:  # IPv6, bracketed in an origin
        return f"[{hostname.strip('[]')}]"
    try:
        host = hostname.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise ValueError("the host name is not valid") from None
    if not (_IPV4.fullmatch(host) or _HOST.fullmatch(host)):
        raise ValueError("the host name is not valid")
    return host


def clean_origins(values: object) -> list[str]:
    """A list of origins, normalised, duplicates dropped, in the order given.

    :raises ValidationError: not a list, too many, or one not an origin (named by position).
    """
    if not isinstance(values, list | tuple):
        raise ValidationError(
            "allowed_origins must be a list of origins.", fields={"allowed_origins": "invalid"}
        )
    if len(values) > MAX_ORIGINS:
        raise ValidationError(
            f"At most {MAX_ORIGINS} allowed origins.", fields={"allowed_origins": "too many"}
        )
    cleaned: list[str] = []
    errors: dict[str, str] = {}
    for index, value in enumerate(values):
        try:
            origin = normalise_origin(value if isinstance(value, str) else "")
        except ValueError as exc:
            errors[f"allowed_origins.{index}"] = str(exc)
            continue
        if origin not in cleaned:
            cleaned.append(origin)
    if errors:
        raise ValidationError("Some allowed origins are not valid.", fields=errors)
    return cleaned


def origin_allowed(origin: str | None, allowed: list[str]) -> bool:
    """Whether the browser's ``Origin`` header value is one of ``allowed``, exactly."""
    return bool(origin) and origin in allowed
