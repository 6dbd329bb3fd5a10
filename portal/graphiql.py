"""GraphiQL for development, loaded from the portal itself instead of a public CDN.

The page works offline, behind firewalls and under a strict Content-Security-Policy: its
scripts and styles are the npm packages `make install` puts in web/node_modules (pinned by
web/package-lock.json), served one named file at a time from ASSETS_PATH. Nothing else in
web/node_modules is reachable. In production neither the page nor the assets exist.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import hashlib
import html
import logging
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from portal.security_headers import API_CSP, GRAPHIQL_CSP
from portal.settings import Settings

log = logging.getLogger(__name__)

NODE_MODULES = Path(__file__).resolve().parent.parent / "web" / "node_modules"
ASSETS_PATH = "/graphiql/assets"
# Asset URLs carry their content's digest, so a browser may keep them until the packages change.
IMMUTABLE = "public, max-age=31536000, immutable"

JAVASCRIPT = "text/javascript; charset=utf-8"
CSS = "text/css; charset=utf-8"

# The portal's own glue: no inline script or style, so the policy needs no nonce or hash.
BOOT_JS = """\
"use strict";
(function () {
  var endpoint = window.location.origin + window.location.pathname;
  var fetcher = GraphiQL.createFetcher({
    url: endpoint,
    // http: -> ws:, https: -> wss:, same host and path.
    subscriptionUrl: endpoint.replace(/^http/, "ws"),
    // A signed-in browser's session cookie goes along, and only ever to this origin.
    fetch: function (input, init) {
      return window.fetch(input, Object.assign({}, init, { credentials: "same-origin" }));
    },
  });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      plugins: [GraphiQLPluginExplorer.explorerPlugin()],
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      // Bearer tokens typed into the headers editor are not kept in localStorage.
      shouldPersistHeaders: false,
      inputValueDeprecation: true,
    }),
  );
})();
"""

# The body's margin and padding end up in the dialogs' <style>, whose hash the policy names.
PAGE_CSS = """\
body {
  height: 100%;
  margin: 0;
  width: 100%;
}

#graphiql {
  height: 100vh;
  display: flex;
}

.graphiql-explorer-actions select {
  margin-left: 4px;
}
"""


@dataclasses.dataclass(frozen=True)
class Asset:
    media_type: str
    package_file: str | None = None  # under web/node_modules
    text: str | None = None  # or the portal's own, kept here

    @property
    def path(self) -> Path | None:
        return None if self.package_file is None else NODE_MODULES / self.package_file


# The allow-list: these names, and nothing else, are served under ASSETS_PATH.
ASSETS: dict[str, Asset] = {
    "graphiql.min.css": Asset(CSS, package_file="graphiql/graphiql.min.css"),
    "plugin-explorer.css": Asset(CSS, package_file="@graphiql/plugin-explorer/dist/style.css"),
    "portal-graphiql.css": Asset(CSS, text=PAGE_CSS),
    "react.production.min.js": Asset(JAVASCRIPT, package_file="react/umd/react.production.min.js"),
    "react-dom.production.min.js": Asset(
        JAVASCRIPT, package_file="react-dom/umd/react-dom.production.min.js"
    ),
    "graphiql.min.js": Asset(JAVASCRIPT, package_file="graphiql/graphiql.min.js"),
    "plugin-explorer.umd.js": Asset(
        JAVASCRIPT, package_file="@graphiql/plugin-explorer/dist/index.umd.js"
    ),
    "portal-graphiql.js": Asset(JAVASCRIPT, text=BOOT_JS),
}
STYLESHEETS = ("graphiql.min.css", "plugin-explorer.css", "portal-graphiql.css")
# In dependency order: React, then GraphiQL, then the explorer plugin, then the glue.
SCRIPTS = (
    "react.production.min.js",
    "react-dom.production.min.js",
    "graphiql.min.js",
    "plugin-explorer.umd.js",
    "portal-graphiql.js",
)

MISSING_PAGE = """\
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>GraphiQL is not installed</title></head>
<body>
<h1>GraphiQL is not installed</h1>
<p>The portal serves GraphiQL from the npm packages in <code>web/node_modules</code>, and
they are missing. Run <code>make install</code> (or <code>cd web &amp;&amp; npm ci</code>),
then reload this page.</p>
<p>The API itself works: POST GraphQL requests to this URL.</p>
</body>
</html>
"""


def _integrity(content: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(content).digest()).decode()


# path -> (mtime, size, integrity): hashing the few MB once, not on every page load.
_digests: dict[Path, tuple[int, int, str]] = {}


def _fingerprint(asset: Asset) -> str | None:
    """The asset's subresource-integrity digest, or None when its package is not installed.

    Checked on each page load, so `make install` (or an upgrade) after the server started
    is picked up without a restart.
    """
    if asset.path is None:
        assert asset.text is not None
        return _integrity(asset.text.encode())
    try:
        stat = asset.path.stat()
        cached = _digests.get(asset.path)
        if cached is not None and cached[:2] == (stat.st_mtime_ns, stat.st_size):
            return cached[2]
        integrity = _integrity(asset.path.read_bytes())
    except FileNotFoundError:
        return None
    _digests[asset.path] = (stat.st_mtime_ns, stat.st_size, integrity)
    return integrity


def _asset_url(root_path: str, name: str, integrity: str) -> str:
    version = hashlib.sha256(integrity.encode()).hexdigest()[:16]
    return html.escape(f"{root_path}{ASSETS_PATH}/{name}?v={version}")


def _fingerprints() -> dict[str, str]:
    """name -> integrity of every asset whose file is there."""
    fingerprints = {}
    for name, asset in ASSETS.items():
        if (integrity := _fingerprint(asset)) is not None:
            fingerprints[name] = integrity
    return fingerprints


async def graphiql_page(request: Request) -> Response:
    # The first load reads and hashes a few MB: off the event loop.
    fingerprints = await asyncio.to_thread(_fingerprints)
    if len(fingerprints) < len(ASSETS):
        log.warning("GraphiQL requested, but %s has no GraphiQL packages", NODE_MODULES)
        return HTMLResponse(
            MISSING_PAGE,
            status_code=503,
            # Nothing to load: the note is plain HTML.
            headers={"content-security-policy": API_CSP},
        )
    root_path = request.scope.get("root_path", "")
    links = "\n".join(
        f'<link rel="stylesheet" href="{_asset_url(root_path, name, fingerprints[name])}"'
        f' integrity="{fingerprints[name]}">'
        for name in STYLESHEETS
    )
    scripts = "\n".join(
        f'<script src="{_asset_url(root_path, name, fingerprints[name])}"'
        f' integrity="{fingerprints[name]}"></script>'
        for name in SCRIPTS
    )
    page = f"""\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Portal GraphiQL</title>
<link rel="icon" href="data:,">
{links}
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<noscript>GraphiQL needs JavaScript; the API itself answers POST requests here.</noscript>
{scripts}
</body>
</html>
"""
    return HTMLResponse(page, headers={"content-security-policy": GRAPHIQL_CSP})


async def graphiql_asset(request: Request) -> Response:
    asset = ASSETS.get(request.path_params["name"])
    if asset is None:
        return PlainTextResponse("Not Found", status_code=404)
    headers = {"cache-control": IMMUTABLE}
    if asset.path is None:
        assert asset.text is not None
        return Response(asset.text, media_type=asset.media_type, headers=headers)
    if not asset.path.is_file():
        return PlainTextResponse("Not Found", status_code=404)
    return FileResponse(asset.path, media_type=asset.media_type, headers=headers)


def graphiql_routes(settings: Settings) -> list[BaseRoute]:
    """The assets' route in development; in production there is nothing to serve."""
    if settings.is_production:
        return []
    return [Route(f"{ASSETS_PATH}/{{name}}", graphiql_asset, methods=["GET"])]
