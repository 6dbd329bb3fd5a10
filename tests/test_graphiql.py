"""GraphiQL in development: served from the portal's own assets, and working in a real browser."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import os
import shutil
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from portal import graphiql
from portal.app import create_app
from portal.settings import Environment, Settings
from tests.conftest import REPO, LiveServer

log = logging.getLogger(__name__)

CHROMIUM = Path("/usr/bin/chromium")
INSTALL_TIMEOUT_SECONDS = 900
CHECK_SCRIPT = REPO / "web" / "graphiql-check.mjs"
CHECK_TIMEOUT_SECONDS = 60
SCREENSHOT = REPO / "test-artifacts" / "graphiql.png"


async def _apt_get(*args: str) -> tuple[int, str]:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    process = await asyncio.create_subprocess_exec(
        "apt-get",
        # Another installation may hold dpkg's lock for a while; wait for it instead of failing.
        "-o",
        "DPkg::Lock::Timeout=300",
        *args,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        async with asyncio.timeout(INSTALL_TIMEOUT_SECONDS):
            output, _ = await process.communicate()
    except TimeoutError:
        process.kill()
        await process.wait()
        return -1, f"apt-get {' '.join(args)} took longer than {INSTALL_TIMEOUT_SECONDS} s"
    assert process.returncode is not None
    return process.returncode, output.decode(errors="replace")


@pytest.fixture(scope="session")
async def chromium() -> Path:
    """Debian's Chromium, installed on first use: the browser test must run, not skip."""
    if await asyncio.to_thread(CHROMIUM.exists):
        return CHROMIUM
    started = time.monotonic()
    install = ("install", "-y", "--no-install-recommends", "chromium")
    code, output = await _apt_get(*install)
    if code != 0:
        # A fresh machine has no package lists yet.
        update_code, update_output = await _apt_get("update")
        if update_code != 0:
            pytest.fail(f"apt-get update failed ({update_code}):\n{update_output}")
        code, output = await _apt_get(*install)
    if code != 0 or not await asyncio.to_thread(CHROMIUM.exists):
        pytest.fail(f"installing chromium failed ({code}):\n{output}")
    log.warning("installed chromium in %.0f s", time.monotonic() - started)
    return CHROMIUM


async def test_graphiql_answers_in_a_browser_that_may_reach_only_loopback(
    live_server: LiveServer, chromium: Path
) -> None:
    SCREENSHOT.unlink(missing_ok=True)
    node = shutil.which("node")
    assert node is not None, "Node.js is needed to drive the browser"
    process = await asyncio.create_subprocess_exec(
        node,
        str(CHECK_SCRIPT),
        live_server.url,
        str(SCREENSHOT),
        str(chromium),
        cwd=CHECK_SCRIPT.parent,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            stdout, stderr = await process.communicate()
    except TimeoutError:
        process.kill()
        await process.wait()
        pytest.fail(f"the browser check took longer than {CHECK_TIMEOUT_SECONDS} s")
    try:
        summary = json.loads(stdout)
    except json.JSONDecodeError:
        pytest.fail(f"no summary ({process.returncode}):\n{stdout.decode()}\n{stderr.decode()}")
    report = json.dumps(summary, indent=2)

    assert summary["error"] is None, report
    assert summary["answered"], report
    assert '"viewer": null' in summary["result"], report
    assert "UNAUTHENTICATED" in summary["subscriptionResult"], report
    assert summary["websockets"] == [live_server.ws_url], report
    assert summary["blocked"] == [], report
    assert summary["cspViolations"] == [], report
    assert summary["consoleErrors"] == [], report
    assert summary["pageErrors"] == [], report
    assert summary["failedResponses"] == [], report
    assert process.returncode == 0, report
    assert SCREENSHOT.stat().st_size > 0


class _Subresources(HTMLParser):
    """Every URL the page makes the browser load, with its integrity attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str | None]] = []  # (tag, url, integrity)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        url = attributes.get("src") or attributes.get("href")
        if url is not None:
            self.found.append((tag, url, attributes.get("integrity")))


def _directives(policy: str) -> dict[str, list[str]]:
    parts = (directive.split() for directive in policy.split(";") if directive.strip())
    return {name: values for name, *values in parts}


async def test_the_page_loads_only_its_own_assets_under_a_strict_policy(
    http: httpx.AsyncClient,
) -> None:
    page = await http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = _directives(page.headers["content-security-policy"])
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    # Styles: the portal's files plus the hash of GraphiQL's one dialog <style>, nothing looser.
    assert policy["style-src"][0] == "'self'"
    assert all(source.startswith("'sha256-") for source in policy["style-src"][1:])
    assert "unsafe" not in page.headers["content-security-policy"]
    assert "<style" not in page.text
    assert "<script>" not in page.text  # no inline script: every <script> has a src

    parser = _Subresources()
    parser.feed(page.text)
    served = set()
    for tag, url, integrity in parser.found:
        if url.startswith("data:"):
            continue  # the empty favicon, so the browser does not ask for /favicon.ico
        parts = urlsplit(url)
        assert not parts.scheme, f"{url} is not same-origin"
        assert not parts.netloc, f"{url} is not same-origin"
        assert parts.path.startswith("/graphiql/assets/"), url
        asset = await http.get(url)
        assert asset.status_code == 200, url
        expected = "text/javascript" if tag == "script" else "text/css"
        assert asset.headers["content-type"].startswith(expected), url
        assert "immutable" in asset.headers["cache-control"], url
        digest = base64.b64encode(hashlib.sha384(asset.content).digest()).decode()
        assert integrity == f"sha384-{digest}", url
        served.add(parts.path.rsplit("/", 1)[1])
    assert served == set(graphiql.ASSETS)


@pytest.mark.parametrize(
    "path",
    [
        "/graphiql/assets/package.json",
        "/graphiql/assets/graphiql.min.js.map",
        "/graphiql/assets/react.development.js",
        "/graphiql/assets/graphiql%2Fpackage.json",
        "/graphiql/assets/..%2F..%2F..%2Fpyproject.toml",
        "/graphiql/assets/graphiql/graphiql.min.js",
        "/graphiql/assets/",
        "/web/node_modules/graphiql/graphiql.min.js",
    ],
)
async def test_files_outside_the_allow_list_are_not_found(
    http: httpx.AsyncClient, path: str
) -> None:
    response = await http.get(path)
    assert response.status_code == 404
    assert "react" not in response.text.lower()


async def test_clients_that_want_json_never_get_the_page(http: httpx.AsyncClient) -> None:
    for accept in ("application/json", "application/graphql-response+json"):
        response = await http.get("/graphql", headers={"accept": accept})
        assert response.status_code == 400, accept
        assert response.headers["content-type"].startswith(accept), accept
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
        assert "graphiql" not in response.text.lower()


async def test_without_the_packages_the_page_says_how_to_install_them(
    http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(graphiql, "NODE_MODULES", tmp_path / "node_modules")
    page = await http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 503
    assert page.headers["content-type"].startswith("text/html")
    assert "GraphiQL is not installed" in page.text
    assert "make install" in page.text
    assert "<script" not in page.text
    assert (await http.get("/graphiql/assets/graphiql.min.js")).status_code == 404


async def test_production_serves_neither_the_page_nor_its_assets(settings: Settings) -> None:
    production = settings.replace(env=Environment.PRODUCTION, secret_key="s" * 40)
    app = create_app(production)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://api"
        ) as http:
            page = await http.get("/graphql", headers={"accept": "text/html"})
            assert page.status_code == 404
            assert "graphiql" not in page.text.lower()
            for name in graphiql.ASSETS:
                assert (await http.get(f"/graphiql/assets/{name}")).status_code == 404
    finally:
        await app.state.database.dispose()
