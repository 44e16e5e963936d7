"""The dashboard in a real browser: headless Chromium (Debian's) driven by playwright-core
against a uvicorn server on loopback, with the seed page and the examples ingested.

tests/browser/dashboard.mjs does the clicking; this test builds the database, starts the
server and reads the script's findings. Without Chromium or the npm packages it skips with
the reason, except in CI (CI=true), where their absence is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import EXAMPLES, REPO, SEED, require_shared
from serve_helpers import build_database, running_server
from sitreps.serve import create_app

CHROMIUM = Path(os.environ.get("SITREPS_CHROMIUM", "/usr/bin/chromium"))
PLAYWRIGHT = REPO / "web" / "node_modules" / "playwright-core"
VENDOR = REPO / "src" / "sitreps" / "serve" / "static" / "vendor"
SCRIPT = REPO / "tests" / "browser" / "dashboard.mjs"
ARTIFACTS = REPO / "tests" / "artifacts"


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    if shutil.which("node") is None:
        return "node is not installed"
    if not PLAYWRIGHT.exists():
        return f"{PLAYWRIGHT} is missing (make install runs npm ci in web/)"
    if not (VENDOR / "leaflet" / "leaflet.js").exists():
        return f"{VENDOR} is not built (make install runs web/build.mjs)"
    return None


@pytest.fixture(scope="module")
def browser_ready() -> None:
    reason = _missing()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"the browser test cannot run in CI: {reason}")
    pytest.skip(reason)


def test_dashboard_in_chromium(browser_ready, pipeline, tmp_path):
    seed = require_shared(SEED)
    db = build_database(pipeline, [EXAMPLES, seed], tmp_path / "dashboard.db")
    ARTIFACTS.mkdir(exist_ok=True)
    with running_server(create_app(db)) as base:
        run = subprocess.run(
            ["node", str(SCRIPT), base, str(ARTIFACTS)],
            capture_output=True, text=True, timeout=180, cwd=REPO,
        )  # fmt: skip
    lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
    assert lines, f"no findings from the browser script:\n{run.stdout}\n{run.stderr}"
    findings = json.loads(lines[-1])
    (ARTIFACTS / "dashboard.json").write_text(json.dumps(findings, indent=2))
    assert findings["ok"], json.dumps(findings, indent=2) + "\n" + run.stderr
    assert run.returncode == 0
    assert findings["markers_in_syria"] >= 1
    assert findings["rows_after"] < findings["rows_before"]
    assert findings["markers_after"] < findings["markers"]
    assert findings["highlighted"] >= 1
    assert findings["violations"] == [] and findings["requests_elsewhere"] == []
    assert (ARTIFACTS / "dashboard.png").stat().st_size > 10_000
