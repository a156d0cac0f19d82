"""Routers: which functions handle which Trello action types (gidgethub's shape).

Each feature module declares its own Router and registers its handlers on it; app.handlers
composes them into the one Router the receiver dispatches with.
"""


class Router:
    """Handlers and scrubbers by Trello action type, in the order they were registered."""

    def __init__(self, *routers):
        self.handlers, self.scrubbers = {}, {}
        for router in routers:
            for action_type, fns in router.handlers.items():
                self.handlers.setdefault(action_type, []).extend(fns)
            for action_type, fns in router.scrubbers.items():
                self.scrubbers.setdefault(action_type, []).extend(fns)

    def register(self, action_type):
        """Decorate a function(programme, event) that handles one type of Trello action."""

        def register(fn):
            self.handlers.setdefault(action_type, []).append(fn)
            return fn

        return register

    def scrubber(self, action_type):
        """Decorate a function(event) that takes personal data out of the action as stored.

        It runs after the handlers, which may need that data, and whether they succeeded or
        not: a failed action is kept for reconcile, so it must be as clean as a processed one.
        """

        def register(fn):
            self.scrubbers.setdefault(action_type, []).append(fn)
            return fn

        return register

    def handlers_for(self, action_type):
        """Return the handlers of an action type, in order (none for types nobody handles)."""
        return tuple(self.handlers.get(action_type, ()))

    def scrubbers_for(self, action_type):
        """Return the scrubbers of an action type, in order."""
        return tuple(self.scrubbers.get(action_type, ()))
