"""Parsers of library files: each yields normalised `ImportRow`s or `RowError`s, in file order."""
