"""Serve a sandbox over real HTTP in a background thread, and stop it cleanly (Trello "down")."""

import socket
import threading

from werkzeug.serving import WSGIRequestHandler, make_server

from trello_sandbox import create_sandbox_app


class _TrackedHandler(WSGIRequestHandler):
    """A quiet request handler whose connections stop() can cut, in-flight requests included."""

    def setup(self):
        """Register the connection so stop() can cut a request still being answered."""
        super().setup()
        self.server.open_connections.add(self.connection)

    def finish(self):
        """Forget the connection once the client is done with it."""
        self.server.open_connections.discard(self.connection)
        super().finish()

    def log_request(self, code="-", size="-"):
        """Say nothing per request; tests read /sandbox/control/requests instead."""


class SandboxServer:
    """A sandbox app on host:port (0 picks a free port) served by a threaded werkzeug server."""

    def __init__(self, app=None, host="127.0.0.1", port=0, **create_kwargs):
        self.app = app if app is not None else create_sandbox_app(**create_kwargs)
        self.host, self._port = host, port
        self._server = self._thread = None

    @property
    def port(self):
        """Return the bound port (the requested one before start)."""
        return self._server.server_port if self._server else self._port

    @property
    def url(self):
        """Return the origin, e.g. http://127.0.0.1:5001."""
        return f"http://{self.host}:{self.port}"

    @property
    def api_base(self):
        """Return the REST base, the stand-in for https://api.trello.com/1."""
        return self.url + "/1"

    def start(self):
        """Bind and serve in a daemon thread; after a stop, bind the same port again."""
        if self._server is not None:
            return self
        self._server = make_server(
            self.host, self._port, self.app, threaded=True, request_handler=_TrackedHandler
        )
        self._server.open_connections = set()
        self._port = self._server.server_port
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        """Stop serving, close the socket and every open connection, freeing the port at once."""
        if self._server is None:
            return
        server, self._server = self._server, None
        server.shutdown()
        server.server_close()
        for connection in list(server.open_connections):
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by the client
        self._thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
