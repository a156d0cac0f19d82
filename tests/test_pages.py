"""The start page and the privacy notice: what a person reads before signing up."""


def test_the_start_page_says_what_is_asked_and_starts_the_sign_up(client):
    page = client.get("/").get_data(as_text=True)
    assert "30-minute conversation" in page and "one shared output" in page.replace("\n", " ")
    assert 'href="/signup"' in page and "Start now" in page
    assert 'href="/privacy"' in page


def test_the_privacy_notice_says_what_who_how_long_and_how_to_leave(client):
    page = client.get("/privacy").get_data(as_text=True)
    for heading in ("What we keep", "Who sees it", "How long we keep it", "How to leave"):
        assert heading in page
    assert "30 days" in page


def test_pages_carry_no_gov_uk_crown_and_protect_their_links(client):
    response = client.get("/signup")
    page = response.get_data(as_text=True)
    assert "govuk-header" not in page and "govuk-logo" not in page and "Crown" not in page
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "script-src 'self' 'nonce-" in response.headers["Content-Security-Policy"]


def test_head_answers_as_get_does_and_signs_nobody_up(app, client):
    """Uptime checks and link previews send HEAD; it must never be read as a form post."""
    from tests.signup_helpers import count_people

    for path in ("/", "/signup", "/privacy", "/report", "/healthz", "/api/openapi.json"):
        assert client.head(path).status_code == client.get(path).status_code, path
    assert count_people(app) == 0


def test_a_missing_page_and_a_crash_get_pages_of_the_service_not_bare_text(app, client):
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    assert "Page not found" in missing.get_data(as_text=True)
    assert 'href="/signup"' in missing.get_data(as_text=True)

    def crash():
        """A view that fails, as a bug would."""
        raise RuntimeError("a bug")

    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer 500, as in production
    app.view_functions["pages.privacy"] = crash
    broken = client.get("/privacy")
    assert broken.status_code == 500
    page = broken.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in page and "govuk-heading-l" in page
    assert "a bug" not in page and broken.headers["Content-Security-Policy"]
