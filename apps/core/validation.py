"""Small input checks shared by services: text that PostgreSQL can store, and lengths."""

from apps.core.errors import ErrorCode, Invalid


def clean_text(value: str | None, *, field: str, max_length: int, required: bool = False) -> str:
    """Trimmed text; refuses NUL characters, over-long and (if required) empty values."""
    text = (value or "").strip()
    if "\x00" in text:
        raise Invalid("Text may not contain NUL characters.", field=field)
    if len(text) > max_length:
        raise Invalid(f"At most {max_length} characters (got {len(text)}).", field=field)
    if required and not text:
        raise Invalid("This field is required.", field=field, code=ErrorCode.REQUIRED)
    return text
