"""The board page's Power-Up host: the stand-in for Trello's client library, and the host side."""
