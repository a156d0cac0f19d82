"""Rounds: drawing the next round's pairs, storing them, putting them on the board, and the
round's life until it closes.

pool: who takes part and the history the draw respects · service: preview and confirm ·
apply: the outbox operation that writes the round onto the board, from the board_state it read ·
describe: the round card's text · tally: its progress line · introductions: each pair's mail ·
membership: who was drawn with whom, which round is open · life: how long a round stays open ·
closing: closing a round · standing: where each person stands, which the cards show (cards) ·
taking_part: pausing, coming back, skipping, leaving · stranding: partners who drop out ·
rescue: re-matching those they strand · commands: pair, close-round, rescue.
"""

from app.rounds import commands


def init_app(app):
    """Add the pair, close-round and rescue commands (the Power-Up's API does all three)."""
    app.cli.add_command(commands.pair_command)
    app.cli.add_command(commands.close_round_command)
    app.cli.add_command(commands.rescue_command)
