"""Shared fixtures: paths to the shared evaluation material and a session-wide pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEED = SHARED / "seeds" / "000_3c99f06cd3fd5c94.txt"
EXAMPLES = REPO / "examples"


def require_shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not here: the shared evaluation material sits beside the repo")
    return path


@pytest.fixture(scope="session")
def pipeline():
    from sitreps.pipeline import Pipeline

    return Pipeline(dedupe=False)  # shared across tests: each test sees fresh articles


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return require_shared(SEED)
