"""Pure string helpers: dates, countries (and, later, names and transliteration)."""
