// The GraphQL-over-HTTP conformance audit (graphql-http's own suite) against one endpoint.
//
//   node web/audit.mjs <graphql endpoint url>
//
// Prints a JSON array, one entry per audit: {id, name, status, reason?, response?}. `status`
// is ok, or notice (a MAY), warn (a SHOULD) or error (a MUST) that failed; a failure carries
// the reason and the response that showed it, so a broken check can be read without a rerun.
// Exits 0 whatever the outcome (judging is the caller's business), 2 on a usage error.

import { auditServer } from "graphql-http";

const url = process.argv[2];
if (!url) {
  process.stderr.write("usage: node web/audit.mjs <graphql endpoint url>\n");
  process.exit(2);
}

async function describe(response) {
  let body;
  try {
    body = await response.text();
  } catch (error) {
    // Already read by the assertion that failed; the status and headers still tell a lot.
    body = `(body not readable: ${error})`;
  }
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers.entries()),
    body,
  };
}

const results = await auditServer({ url });
const report = await Promise.all(
  results.map(async (result) => {
    const entry = { id: result.id, name: result.name, status: result.status };
    if (result.status !== "ok") {
      entry.reason = result.reason;
      entry.response = await describe(result.response);
    }
    return entry;
  }),
);
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
