"""A webhook receiver on loopback for tests: a threaded werkzeug server that keeps every
request it gets (headers and body) and answers what the test tells it to. Signatures are
checked by the tests with the ``standardwebhooks`` package, the specification's own."""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.servers import free_port


@dataclass
class Received:
    headers: dict[str, str]
    body: str


@dataclass
class Receiver:
    """``answer(request) -> (status, headers)`` decides each reply (200 by default)."""

    port: int = field(default_factory=free_port)
    received: list[Received] = field(default_factory=list)
    answer: Callable[[Received], tuple[int, dict[str, str]]] = lambda _: (200, {})
    _server: object = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> "Receiver":
        self._server = make_server("127.0.0.1", self.port, self._app, threaded=True)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def ids(self) -> list[str]:
        return [r.headers["webhook-id"] for r in self.received]

    @Request.application
    def _app(self, request: Request) -> Response:
        got = Received(
            {k.lower(): v for k, v in request.headers.items()}, request.get_data(as_text=True)
        )
        self.received.append(got)
        status, headers = self.answer(got)
        return Response("ok" if status < 300 else "nope", status=status, headers=headers)
