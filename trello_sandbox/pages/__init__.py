"""Pages for people: the index, the board (with organiser forms) and the mail outbox."""
