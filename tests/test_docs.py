"""The README stays true: every environment setting the app reads is in its configuration table."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_environment_setting_is_in_the_readmes_configuration_table():
    sources = [path.read_text(encoding="utf-8") for path in (ROOT / "app").rglob("*.py")]
    pattern = r'(?:_env\(|os\.environ\.get\()\s*"([A-Z][A-Z0-9_]*)"'
    read = {name for source in sources for name in re.findall(pattern, source)}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Configuration") : readme.index("## Testing")]
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))
    assert len(read) > 20  # the pattern still finds the settings
    assert read - documented == set()
