"""Shared fixtures: the app on SQLite (and PostgreSQL with TEST_DATABASE_URL) and the sandbox."""

import functools
import os
import shutil
import socket
import threading

import pytest
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from app import create_app
from app.db import db

pytest_plugins = [
    "tests.sandbox_fixtures",
    "tests.support",
    "tests.signup_helpers",
    "tests.browser_fixtures",
    "tests.recorded_trello",
]

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@functools.cache
def _postgres_url():
    """Return TEST_DATABASE_URL for psycopg 3; under xdist, a database of the worker's own."""
    from sqlalchemy.engine import make_url

    from app.db import database_uri

    url = make_url(database_uri(os.environ["TEST_DATABASE_URL"], ""))
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url.render_as_string(hide_password=False)
    own = url.set(database=f"{url.database}_{worker}")
    _create_database(url, own.database)
    return own.render_as_string(hide_password=False)


def _create_database(url, name):
    """Create database name beside url's unless it exists: each xdist worker drops its schema."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if exists.scalar() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def _migrate(app):
    """Bring the schema up to date through the real migrations."""
    import flask_migrate

    with app.app_context():
        flask_migrate.upgrade()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory, sandbox_server):
    """Migrate one SQLite file per session; tests copy it instead of migrating again."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    app = create_app(_test_config(f"sqlite:///{path}", sandbox_server, "http://127.0.0.1:9"))
    _migrate(app)
    _dispose(app)
    return path


def _test_config(uri, sandbox_server, public_url):
    """Return the overrides every test app gets."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": uri,
        "SANDBOX": True,
        "SANDBOX_URL": sandbox_server.url,
        "TRELLO_API_BASE": sandbox_server.api_base,
        "PUBLIC_URL": public_url,
        "MAIL_URL": "sandbox",
        "OUTBOX_BACKOFF_SECONDS": 0.0,
        "TRELLO_TIMEOUT": 5.0,
    }


def _dispose(app):
    """Close the app's database connections so PostgreSQL can drop the schema next time."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def free_port():
    """Return a TCP port that was free a moment ago on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(params=BACKENDS)
def database_uri(request, tmp_path, sqlite_template):
    """Yield a fresh, migrated database URI: SQLite always, PostgreSQL when configured."""
    if request.param != "sqlite" and request.node.get_closest_marker("sqlite_only"):
        pytest.skip("sqlite_only: the test (or its module) says why it runs on SQLite alone")
    if request.param == "sqlite":
        path = tmp_path / "app.sqlite3"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}", False
    else:
        url = _postgres_url()
        from tests.support import reset_postgres  # a plugin: imported once pytest has it

        reset_postgres(url)
        yield url, True


@pytest.fixture
def app_port():
    """Reserve the live app's port, so PUBLIC_URL is known before the app is built."""
    return free_port()


@pytest.fixture
def app(database_uri, sandbox, tmp_path, monkeypatch, app_port):
    """Yield the app bound to a fresh database and a reset sandbox."""
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    uri, needs_migration = database_uri
    application = create_app(_test_config(uri, sandbox, f"http://127.0.0.1:{app_port}"))
    if needs_migration:
        _migrate(application)
    yield application
    _dispose(application)


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for the app's commands."""
    return app.test_cli_runner()


@pytest.fixture
def live_app(app, app_port):
    """Serve the app over real HTTP on PUBLIC_URL so the sandbox can call it (webhooks)."""
    server = make_server("127.0.0.1", app_port, _queue_pass_after_deliveries(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app
    server.shutdown()
    server.server_close()


def _queue_pass_after_deliveries(app):
    """Wrap the app so that each webhook delivery is processed, as the worker's queue pass
    would a moment later, before the answer goes back: a test that waits for the sandbox's
    delivery then finds its effects, as it did when the receiver processed actions itself."""
    from app.webhooks import queue

    def serve(environ, start_response):
        """Answer the request; after a delivery, run queue passes until none is left."""
        try:
            return app(environ, start_response)
        finally:
            if (
                environ.get("PATH_INFO") == "/webhooks/trello"
                and environ["REQUEST_METHOD"] == "POST"
            ):
                with app.app_context():
                    while queue.process_received():
                        pass

    return serve
