"""The README documents every environment variable the code reads."""

import re

from tests.conftest import ROOT

READ_BY_HELPER = re.compile(r'env_(?:str|bool|int|list|url)\(\s*"([A-Z][A-Z0-9_]+)"')


def variables_read_by_the_code() -> set[str]:
    names: set[str] = set()
    for folder in ("booknest", "apps", "schema"):
        for path in (ROOT / folder).rglob("*.py"):
            names |= set(READ_BY_HELPER.findall(path.read_text()))
    return names


def test_every_environment_variable_is_documented():
    readme = (ROOT / "README.md").read_text()
    variables = variables_read_by_the_code()
    assert "DATABASE_URL" in variables  # the scan itself works
    missing = sorted(name for name in variables if f"`{name}`" not in readme)
    assert not missing, f"add these to the README's Configuration table: {missing}"
