"""Trello's rules without HTTP: ids, checks, writes and the actions they record, shapes, reads."""
