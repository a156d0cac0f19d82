"""A participant's own page, opened from the signed link in every email."""
