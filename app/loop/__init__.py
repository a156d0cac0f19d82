"""Closing the loop: outputs shared after a round, and each person's check-in answer."""


def init_app(app):
    """Register the loop's webhook and outbox handlers and its participant pages."""
    from app import web
    from app.loop import organiser, outputs, reconcile, views  # noqa: F401 - handlers register

    app.register_blueprint(views.bp)
    web.limit_posts(app, views.bp)
