"""Images in GraphQL: the `Upload` mutations, `ImageSize`, and URL fields of users, books, authors."""
