"""Participants as the service keeps them: their record's life, their one card, their mail.

lifecycle: confirm, pause, resume, skip, change details · email_change: a new address, confirmed
by link · avoidances: their private "never pair me with" list, and avoid_map for the draw ·
erasure: leaving and forgetting · retention: a stopped programme's people, erased after
PROGRAMME_RETENTION_DAYS · cards: their card on the board · notify: mails to them ·
access: opening their signed links · participations: one address in several
programmes · forms and checks: their details as a form.
"""
