"""Every python code block of docs/*.md and README.md runs, page by page, in order."""

from __future__ import annotations

import re
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def test_every_page_is_found() -> None:
    names = {p.name for p in PAGES}
    assert {"ops.md", "graphs.md", "jobs.md", "testing.md", "README.md"} <= names


@pytest.fixture
def page_module(request: pytest.FixtureRequest) -> Iterator[types.ModuleType]:
    # A real module, as a user's file would be (pydantic looks classes up in it).
    page: Path = request.node.callspec.params["page"]
    module = types.ModuleType(f"docs_{page.stem}")
    sys.modules[module.__name__] = module
    yield module
    del sys.modules[module.__name__]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_the_examples_of_the_page_run(page: Path, page_module: types.ModuleType) -> None:
    for index, block in enumerate(BLOCK.findall(page.read_text())):
        code = compile(block, f"{page.name}[block {index + 1}]", "exec", dont_inherit=True)
        exec(code, page_module.__dict__)
