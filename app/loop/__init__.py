"""Closing the loop: outputs shared after a round, and each person's check-in answer."""
