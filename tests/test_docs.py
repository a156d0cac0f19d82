"""The docs stay true: the configuration table lists every setting the app reads, and
every relative link in README.md and docs/ leads somewhere that exists."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIGURATION = ROOT / "docs" / "configuration.md"
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def section(text, heading):
    """Return the text from a `## ` heading up to the next `## ` heading or the end."""
    start = text.index(f"\n{heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def test_every_environment_setting_is_in_the_configuration_table():
    sources = [path.read_text(encoding="utf-8") for path in (ROOT / "app").rglob("*.py")]
    pattern = r'(?:_env\(|os\.environ\.get\()\s*"([A-Z][A-Z0-9_]*)"'
    read = {name for source in sources for name in re.findall(pattern, source)}
    table = section(CONFIGURATION.read_text(encoding="utf-8"), "## Settings")
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))
    assert len(read) > 20  # the pattern still finds the settings
    assert read - documented == set()


def anchors(text):
    """Return the anchors GitHub makes for a page's headings."""
    headings = re.findall(r"^#+ (.+)$", without_code(text), flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def without_code(text):
    """Return the text without fenced code blocks, where nothing is a link or a heading."""
    return re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)


def test_every_relative_link_in_the_docs_leads_somewhere():
    broken = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", without_code(text)):
            if re.match(r"[a-z][a-z0-9+.-]*:", target):
                continue  # https:, mailto: and the like are not ours to check
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            if not linked.exists():
                broken.append(f"{page.relative_to(ROOT)}: {target}")
            elif anchor and linked.suffix == ".md":
                if anchor not in anchors(linked.read_text(encoding="utf-8")):
                    broken.append(f"{page.relative_to(ROOT)}: {target} (no such heading)")
    assert len(PAGES) > 5  # docs/ is still where the pages are
    assert broken == []


def test_the_readme_starts_with_make_run_and_make_test():
    top = "\n".join((ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:15])
    assert "make run" in top
    assert "make test" in top
