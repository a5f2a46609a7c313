"""Training of zhpolicy's own models (run by ``make model``; never at extraction time)."""
