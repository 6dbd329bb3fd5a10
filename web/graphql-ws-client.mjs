// The portal's API driven by the stock JavaScript clients, as an integrator would use them:
// plain fetch for HTTP, graphql-ws (graphql-transport-ws) on the `ws` package for live events.
//
//   node web/graphql-ws-client.mjs <server url> <email> <password>
//
// Prints, one line each: the viewer as JSON ({"viewer": ...}), READY once the WebSocket is
// acknowledged and the subscription is being started, then each ticket event as the JSON
// result the server sent. Exits 0 after the first event, non-zero with the error on stderr.

import { createClient } from "graphql-ws";
import WebSocket from "ws";

const SIGN_IN = `
mutation SignIn($email: String!, $password: String!) {
  signIn(input: {email: $email, password: $password}) {
    token
    userErrors { code message }
  }
}`;

const VIEWER = "query { viewer { id email } }";

const EVENTS = `
subscription {
  ticketEvents { kind at ticket { id number status } }
}`;

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function post(url, query, variables, token) {
  const headers = { "content-type": "application/json", accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers,
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (!response.ok || body.errors) {
    throw new Error(`HTTP ${response.status}: ${JSON.stringify(body)}`);
  }
  return body.data;
}

function describe(error) {
  // graphql-ws hands the sink an Error, a list of GraphQL errors, or the socket's CloseEvent.
  if (error instanceof Error) return error.message;
  if (Array.isArray(error)) return JSON.stringify(error);
  if (error && typeof error.code === "number") return `closed ${error.code} ${error.reason}`;
  return String(error);
}

async function main() {
  const [url, email, password] = process.argv.slice(2);
  if (!url || !email || !password) fail("usage: graphql-ws-client.mjs <url> <email> <password>");

  const { signIn } = await post(url, SIGN_IN, { email, password });
  if (signIn.userErrors.length > 0 || !signIn.token) {
    fail(`sign-in refused: ${JSON.stringify(signIn.userErrors)}`);
  }
  const token = signIn.token;
  const { viewer } = await post(url, VIEWER, {}, token);
  console.log(JSON.stringify({ viewer }));

  const client = createClient({
    url: `${url.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    // A refused connection is an answer to report, not something to wait out.
    retryAttempts: 0,
    on: {
      // The subscribe message follows the acknowledgement at once, on the same socket.
      connected: () => console.log("READY"),
    },
  });

  await new Promise((resolve, reject) => {
    const unsubscribe = client.subscribe(
      { query: EVENTS },
      {
        next: (result) => {
          console.log(JSON.stringify(result));
          if (result.errors) {
            reject(new Error(`the event carried errors: ${JSON.stringify(result.errors)}`));
            return;
          }
          unsubscribe();
          resolve();
        },
        error: (error) => reject(new Error(describe(error))),
        complete: () => reject(new Error("the subscription completed before any event")),
      },
    );
  }).finally(() => client.dispose());
}

main().then(
  () => process.exit(0),
  (error) => fail(describe(error)),
);
