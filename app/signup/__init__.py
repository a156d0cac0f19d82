"""Sign-up: the public form, double opt-in, and cards organisers add to Sign-ups by hand."""
