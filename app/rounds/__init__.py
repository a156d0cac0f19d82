"""Rounds: drawing the next round's pairs, storing them, and putting them on the board.

pool: who takes part and the history the draw respects · service: preview and confirm ·
apply: the outbox operation that writes the round onto the board, from the board_state it read ·
describe: the round card's text · introductions: each pair's mail · membership: who was drawn
with whom · commands: pair.
"""

from app.rounds import commands


def init_app(app):
    """Add the pair command (the Power-Up's API draws rounds too)."""
    app.cli.add_command(commands.pair_command)
