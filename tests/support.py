"""Helpers the tests share: a GraphQL client over real HTTP, and signing in as someone."""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx


class GraphQLErrorResponse(AssertionError):
    pass


@dataclasses.dataclass
class Api:
    """A GraphQL client for one viewer, over the live server's HTTP."""

    http: httpx.AsyncClient
    token: str | None = None
    headers: dict[str, str] = dataclasses.field(default_factory=dict)

    def _headers(self) -> dict[str, str]:
        headers = dict(self.headers)
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    async def post(self, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        # Bearer clients keep no cookies: signing one viewer in must not sign in the others
        # that share the connection pool (the cookie path has tests of its own).
        self.http.cookies.clear()
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=self._headers()
        )
        self.http.cookies.clear()
        return response

    async def result(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The whole JSON answer (data and errors), after checking it came back as HTTP 200."""
        response = await self.post(query, variables)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """`data` of an answer that must have no errors."""
        body = await self.result(query, variables)
        if body.get("errors"):
            raise GraphQLErrorResponse(body["errors"])
        data: dict[str, Any] = body["data"]
        return data

    def as_(self, token: str | None) -> Api:
        return Api(self.http, token, dict(self.headers))


SIGN_IN = """
mutation SignIn($email: String!, $password: String!) {
  signIn(input: {email: $email, password: $password}) {
    token
    viewer { id email kind }
    userErrors { field code message }
  }
}
"""


async def sign_in(api: Api, email: str, password: str) -> Api:
    payload = (await api.data(SIGN_IN, {"email": email, "password": password}))["signIn"]
    assert payload["userErrors"] == [], payload
    token = payload["token"]
    assert isinstance(token, str)
    return api.as_(token)
