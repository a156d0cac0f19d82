"""/healthz tells whether the database and Trello answer."""

from app import create_app
from tests.conftest import _test_config


def test_healthy_when_database_and_trello_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"]["ok"] and response.json["trello"]["ok"]


def test_unavailable_when_trello_fails(client, sandbox):
    sandbox.control("faults", status=503, count=50)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["trello"]["ok"] is False
    assert response.json["database"]["ok"] is True


def test_unavailable_when_the_database_cannot_be_opened(sandbox, tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    uri = f"sqlite:///{tmp_path}/missing-dir/db.sqlite3"
    app = create_app(_test_config(uri, sandbox, "http://127.0.0.1:9"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"]["ok"] is False
    assert response.json["trello"]["ok"] is True
