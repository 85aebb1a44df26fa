"""One HTTP attempt of one delivery: POST the event's body, signed, and say what happened."""

import time
from dataclasses import dataclass

import requests

from surveys.webhooks.ssrf import BlockedAddress, check_resolved, check_url_shape

TIMEOUT_SECONDS = 15
EXCERPT_CHARS = 1000


@dataclass(frozen=True)
class Result:
    """What one attempt got: a status code (None when no answer), the latency, the start of
    the response body, an error, and the receiver's ``retry-after`` header."""

    status_code: int | None
    latency_ms: int
    excerpt: str | None = None
    error: str | None = None
    retry_after: str | None = None

    @property
    def ok(self) -> bool:
        """A 2xx; any 3xx is a failure (redirects are not followed)."""
        return self.status_code is not None and 200 <= self.status_code < 300


def post(
    http: requests.Session,
    url: str,
    headers: dict[str, str],
    body: str,
    *,
    allowed: frozenset[str],
    timeout: float = TIMEOUT_SECONDS,
) -> Result:
    """POST ``body`` to ``url`` through the guarded session ``http``; never raises."""
    start = time.perf_counter()
    try:
        _scheme, host, port = check_url_shape(url)
        check_resolved(host, port, allowed)
        answer = http.post(
            url,
            data=body.encode(),
            headers=headers,
            timeout=timeout,
            allow_redirects=False,
            stream=True,
        )
        content = _head(answer)
    except BlockedAddress as exc:
        return Result(None, _ms(start), error=f"refused: {exc}")
    except requests.Timeout:
        return Result(None, _ms(start), error=f"timed out after {timeout:g} s")
    except Exception as exc:  # a refused connection, a TLS error, a bad URL
        blocked = _blocked_in(exc)
        if blocked is not None:  # the connected address, wrapped by urllib3 and requests
            return Result(None, _ms(start), error=f"refused: {blocked}")
        return Result(None, _ms(start), error=f"{type(exc).__name__}: {exc}"[:EXCERPT_CHARS])
    excerpt = content.decode("utf-8", "replace")[:EXCERPT_CHARS] if content else None
    error = None
    if 300 <= answer.status_code < 400:
        error = f"redirect to {answer.headers.get('location', '?')} not followed"
    elif not 200 <= answer.status_code < 300:
        error = f"HTTP {answer.status_code}"
    return Result(answer.status_code, _ms(start), excerpt, error, answer.headers.get("retry-after"))


def _head(answer: requests.Response, limit: int = 16 * 1024) -> bytes:
    """At most ``limit`` bytes of the response body: a receiver cannot fill the worker's
    memory. A body read to its end keeps the connection for the next attempt."""
    content = b""
    for chunk in answer.iter_content(4096):
        content += chunk
        if len(content) >= limit:
            answer.close()  # the rest is not read: this connection is not reused
            break
    return content[:limit]


def _blocked_in(exc: BaseException, depth: int = 0) -> BlockedAddress | None:
    if isinstance(exc, BlockedAddress):
        return exc
    if depth > 5:
        return None
    for inner in (*exc.args, exc.__cause__, exc.__context__):
        if isinstance(inner, BaseException):
            found = _blocked_in(inner, depth + 1)
            if found is not None:
                return found
    return None


def _ms(start: float) -> int:
    return int((time.perf_counter() - start) * 1000)
