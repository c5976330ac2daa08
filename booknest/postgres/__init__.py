"""BookNest's PostgreSQL backend: Django's, with a pool of its own for live deliveries' reads."""
