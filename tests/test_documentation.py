"""What a user needs is in the repository: the README and docs/ link only to files that are
there (no page outside it), and the collection rules have a page of their own."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\]\(([^)\s]+)\)")
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_every_link_of_the_readme_and_docs_is_a_file_in_the_repository():
    for page in PAGES:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            path = (page.parent / target.split("#")[0]).resolve()
            assert "://" not in target, (page.name, target)
            assert path.is_relative_to(ROOT) and path.exists(), (page.name, target)


def test_the_readme_sends_the_reader_to_no_document_outside_the_repository():
    for page in (ROOT / "README.md", ROOT / "docs" / "collection-rules.md"):
        assert "DOMAIN.md" not in page.read_text(encoding="utf-8"), page.name
    # the house style the code follows is not in the repository: the pages say it in words
    for page in [*PAGES, ROOT / "bench" / "README.md"]:
        text = page.read_text(encoding="utf-8")
        assert "STYLE.md" not in text and "STYLE " not in text, page.name


def test_the_readme_points_to_the_collection_rules_page():
    assert "](docs/collection-rules.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
    rules = (ROOT / "docs" / "collection-rules.md").read_text(encoding="utf-8")
    for rule in ("one owner", "paid or written off", "Refuse the first proposal", "walk-away"):
        assert rule in rules
