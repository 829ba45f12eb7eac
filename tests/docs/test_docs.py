"""Every python code block of docs/*.md and README.md runs, page by page, in order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def test_every_page_is_found() -> None:
    names = {p.name for p in PAGES}
    assert {"ops.md", "graphs.md", "jobs.md", "testing.md", "README.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_the_examples_of_the_page_run(page: Path) -> None:
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    for index, block in enumerate(BLOCK.findall(page.read_text())):
        code = compile(block, f"{page.name}[block {index + 1}]", "exec", dont_inherit=True)
        exec(code, namespace)
