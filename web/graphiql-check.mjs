// Opens the portal's GraphiQL in headless Chromium, runs an anonymous subscription (over the
// WebSocket), opens and closes the settings dialog, runs `{ viewer { id } }`, and prints a
// JSON summary: the answers shown, requests that tried to leave loopback (all aborted),
// console errors, Content-Security-Policy violations, and a screenshot on disk.
//
//   node web/graphiql-check.mjs <portal base URL> <screenshot path> [chromium executable]

import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { chromium } from "playwright-core";

const [baseUrl, screenshotPath, executablePath = "/usr/bin/chromium"] = process.argv.slice(2);
if (!baseUrl || !screenshotPath) {
  console.error("usage: node graphiql-check.mjs <base URL> <screenshot path> [chromium]");
  process.exit(2);
}

const QUERY = "{ viewer { id } }";
const SUBSCRIPTION = "subscription { ticketEvents { __typename } }";
const ANSWER = '"viewer": null';
const STEP_TIMEOUT_MS = 20_000;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

function isLoopback(url) {
  const parsed = new URL(url);
  // data: and blob: URLs never touch the network.
  if (parsed.protocol === "data:" || parsed.protocol === "blob:") return true;
  return LOOPBACK.has(parsed.hostname);
}

const summary = {
  url: `${baseUrl}/graphql`,
  result: null,
  answered: false,
  subscriptionResult: null,
  websockets: [],
  blocked: [],
  consoleErrors: [],
  cspViolations: [],
  pageErrors: [],
  failedResponses: [],
  screenshot: screenshotPath,
  error: null,
};

const browser = await chromium.launch({
  executablePath,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // Anything that is not loopback is aborted and remembered: the page must need none of it.
  await context.route(
    (url) => !isLoopback(url.href),
    async (route) => {
      summary.blocked.push(route.request().url());
      await route.abort("blockedbyclient");
    },
  );
  await context.routeWebSocket(
    (url) => !isLoopback(url.href.replace(/^ws/, "http")),
    async (socket) => {
      summary.blocked.push(socket.url());
      await socket.close();
    },
  );
  // The page's own record of CSP violations, in case the browser does not log one.
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (event) => {
      window.__cspViolations.push(
        `${event.violatedDirective} blocked ${event.blockedURI || "inline"}` +
          ` at ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  });

  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  page.on("console", (message) => {
    if (message.type() === "error") summary.consoleErrors.push(message.text());
  });
  page.on("websocket", (socket) => summary.websockets.push(socket.url()));
  page.on("pageerror", (error) => summary.pageErrors.push(String(error)));
  page.on("response", (response) => {
    if (response.status() >= 400) {
      summary.failedResponses.push(`${response.status()} ${response.url()}`);
    }
  });

  try {
    await page.goto(summary.url, { waitUntil: "load" });
    const editor = page.locator(".graphiql-query-editor .CodeMirror").first();
    await editor.waitFor({ state: "visible" });
    const response = page.locator(".graphiql-response .CodeMirror").first();

    async function run(query, expected) {
      // Through CodeMirror's own API: typing would fight its bracket auto-closing.
      await editor.evaluate((element, text) => element.CodeMirror.setValue(text), query);
      // GraphiQL parses the editor's text a moment later; it picks HTTP or WebSocket from that.
      await page.waitForFunction(
        ([element, text]) => element.CodeMirror.documentAST?.loc?.source.body === text,
        [await editor.elementHandle(), query],
      );
      await page.locator("button.graphiql-execute-button").click();
      await page.waitForFunction(
        ([element, text]) => element.CodeMirror.getValue().includes(text),
        [await response.elementHandle(), expected],
      );
      return response.evaluate((element) => element.CodeMirror.getValue());
    }

    // Subscriptions go over the WebSocket; anonymous, the portal refuses them.
    summary.subscriptionResult = await run(SUBSCRIPTION, '"UNAUTHENTICATED"');
    // Dialogs inject GraphiQL's one inline <style>, which the policy allows by its hash.
    await page.getByRole("button", { name: "Open settings dialog" }).click();
    await page.getByRole("dialog").waitFor({ state: "visible" });
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "hidden" });
    summary.result = await run(QUERY, ANSWER);
    summary.answered = summary.result.includes(ANSWER);
  } catch (error) {
    summary.error = String(error);
  }
  summary.cspViolations = await page.evaluate(() => window.__cspViolations ?? []);
  await mkdir(dirname(screenshotPath), { recursive: true });
  await page.screenshot({ path: screenshotPath });
  await context.close();
} finally {
  await browser.close();
}

process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
process.exit(summary.answered ? 0 : 1);
