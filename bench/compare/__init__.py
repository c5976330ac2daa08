"""Bench-only Django setup: BookNest plus the endpoints it is measured against (floor, DRF)."""
