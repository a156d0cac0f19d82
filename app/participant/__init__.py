"""A participant's own page, opened from the signed link in every email: their rounds, their
details, pause, skip a round, leave, their private "never pair me with" list, the link that
confirms a new email address; and `flask erase`, the operator's way to make someone leave.

views: the page and its actions · page: the page put together · round_view: their rounds as
plain data · never_pair: their list · email_views: the new-address link · commands: erase.
"""

from app import web
from app.participant import commands, email_views, never_pair, views
from app.people.forms import typed_email


def init_app(app):
    """Serve /me/<token> and its pages (their posts and every request rate-limited per client
    address, the details form's posts also per email address typed); add the erasure command."""
    app.cli.add_command(commands.erase_command)
    for blueprint in (views.bp, never_pair.bp, email_views.bp):
        app.register_blueprint(blueprint)
        web.limit_posts(app, blueprint)
        web.limit_personal_links(app, blueprint)
    web.limit_email_repeats(app, views.bp, "email", typed_email)
