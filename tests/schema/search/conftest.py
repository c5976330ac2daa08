import pytest


@pytest.fixture(autouse=True)
def _database_engine(settings):
    # OPENSEARCH_URL in the environment is for the live OpenSearch tests only.
    settings.OPENSEARCH_URL = ""
