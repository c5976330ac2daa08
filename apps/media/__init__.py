"""Media: uploaded images (avatars, book covers, author photos) checked, re-encoded and stored."""
