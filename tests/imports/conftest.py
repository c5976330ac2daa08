import pytest


@pytest.fixture(autouse=True)
def _imports_settings(settings, tmp_path):
    # Jobs run right after commit in the test's thread; files land in a throwaway folder.
    settings.IMPORT_RUNNER = "inline"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.OPENLIBRARY_ENABLED = False
