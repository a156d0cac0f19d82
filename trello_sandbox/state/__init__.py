"""The sandbox's state: a SQLite document store and the board it is seeded with."""
