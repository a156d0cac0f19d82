"""The stand-in for https://api.trello.com/1: a gate every call passes, one module per resource."""
