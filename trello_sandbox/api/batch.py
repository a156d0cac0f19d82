"""GET /1/batch: up to ten GET routes answered as one counted request."""

from flask import Blueprint, current_app, g, jsonify

from trello_sandbox.api.call import params
from trello_sandbox.model.errors import TrelloError, invalid

bp = Blueprint("trello_batch", __name__, url_prefix="/1")
BATCH_MAX = 10


@bp.get("/batch")
def batch():
    """Run up to 10 GET routes (no /1 prefix) as one counted request; answer [{status: body}]."""
    urls = [url for url in str(params().get("urls") or "").split(",") if url.strip()]
    if not urls:
        raise invalid("urls")
    if len(urls) > BATCH_MAX:
        raise TrelloError(400, f"Too many urls: at most {BATCH_MAX} per batch")
    client, answers = current_app.test_client(), []
    inner = {"sandbox.batch": (g.key, g.token, g.member_id)}
    for url in urls:
        path = "/1/" + url.strip().lstrip("/")
        # A fresh app context gives the inner call its own g; the outer call's stays intact.
        with current_app.app_context():
            response = client.get(path, environ_overrides=inner)
        body = response.get_json(silent=True)
        answers.append(
            {
                str(response.status_code): body
                if body is not None
                else response.get_data(as_text=True)
            }
        )
    return jsonify(answers)
