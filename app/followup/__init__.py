"""Following each round through: the outputs people share, their check-in answers, the reminders
that ask for both, organisers' hand moves on the board, and the progress cards show.

outputs: recording an output (from a link, an attachment or a comment) and telling partners ·
checkins: "did you meet?" · reminders: the midway nudge and the check-in mail · hand_moves:
what an organiser's move of a card means · progress: card lines and the round's tally ·
reconcile: repairing what webhooks missed · views: /me/<token>/output and /me/<token>/checkin.
"""

from app import web
from app.followup import views


def init_app(app):
    """Serve the output and check-in pages: posts and personal links rate-limited."""
    app.register_blueprint(views.bp)
    web.limit_posts(app, views.bp)
    web.limit_personal_links(app, views.bp)
