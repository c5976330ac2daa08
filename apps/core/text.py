"""Text normalisation used for matching names and titles across sources."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)


def name_key(value: str) -> str:
    """A key under which spellings of one name meet: case-, accent-, punctuation- and space-folded.

    `"J.R.R.  Tolkien"`, `"J. R. R. Tolkien"` and `"j.r.r. tolkien"` share one key.
    """
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    no_punct = _PUNCT.sub(" ", stripped.casefold())
    key = _SPACES.sub(" ", no_punct).strip().replace(" ", "")
    # A name of punctuation alone ("!!!") still needs a key: fall back to its folded form.
    return (key or _SPACES.sub("", value.casefold()))[:255]


def clean_text(value: str | None) -> str:
    """Trimmed text without NUL characters (PostgreSQL cannot store them)."""
    if not value:
        return ""
    return value.replace("\x00", "").strip()
