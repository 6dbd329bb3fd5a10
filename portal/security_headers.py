"""Security headers on every response, and no caching of anything that depends on who asks."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COMMON = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}
# JSON answers load nothing and may be framed by nobody.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# GraphiQL (development only, portal/graphiql.py): its own scripts and styles, data: fonts
# and images embedded in its CSS, requests to this origin only (HTTP and WebSocket).
# Its dialogs (react-remove-scroll) add one fixed <style> element: allowed by that element's
# hash rather than 'unsafe-inline'. tests/test_graphiql.py opens a dialog to prove it.
GRAPHIQL_DIALOG_STYLE = "'sha256-Y/huXlwoYkVyQlxwSVcCi1RCDGDCSVBzDt0hYP9qlTc='"
GRAPHIQL_CSP = (
    "default-src 'none'; script-src 'self'; "
    f"style-src 'self' {GRAPHIQL_DIALOG_STYLE}; img-src data:; font-src data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in COMMON.items():
                    headers.setdefault(name, value)
                if not headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("content-security-policy", API_CSP)
                headers.setdefault("cache-control", "no-store")
                if self.hsts:
                    headers.setdefault(
                        "strict-transport-security", "max-age=63072000; includeSubDomains"
                    )
            await send(message)

        await self.app(scope, receive, send_with_headers)
