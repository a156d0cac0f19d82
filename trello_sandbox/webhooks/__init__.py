"""Webhook deliveries as Trello makes them: signed JSON POSTs from a background worker, retried."""
