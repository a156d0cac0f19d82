"""Operations: which function carries out each kind of outbox entry.

Each feature module that queues work declares its own Operations and registers its functions
on it; app.handlers puts them together into the one set the worker runs.
"""


class PermanentError(Exception):
    """Raised by an operation when retrying cannot help: the entry is marked failed at once."""


class Operations:
    """A registry of outbox operations by name, composable from other registries."""

    def __init__(self, *others):
        self.handlers = {}
        for other in others:
            for name, fn in other.handlers.items():
                self._add(name, fn)

    def _add(self, name, fn):
        """Add one operation; two functions for one name would make the queue ambiguous."""
        if name in self.handlers and self.handlers[name] is not fn:
            raise ValueError(f"two functions carry out outbox operation {name!r}")
        self.handlers[name] = fn

    def register(self, name):
        """Decorate the function(payload, entry) that carries out the operation called name."""

        def register(fn):
            self._add(name, fn)
            return fn

        return register

    def __contains__(self, name):
        return name in self.handlers

    def handler(self, name):
        """Return the function that carries out an operation (KeyError for an unknown one)."""
        return self.handlers[name]
