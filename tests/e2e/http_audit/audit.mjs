// Runs the graphql-http conformance audit (GraphQL over HTTP, draft spec) against a live server.
// Usage: node audit.mjs http://127.0.0.1:8000/graphql
// Prints one JSON array: for each audit its id, name, status (ok, or: error = failed MUST,
// warn = failed SHOULD, notice = failed MAY) and, when it failed, the reason and the response.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql url>');
  process.exit(2);
}

const results = await auditServer({ url });
const report = await Promise.all(
  results.map(async (result) => {
    const entry = {
      id: result.id,
      name: result.name,
      level: result.name.split(' ')[0],
      status: result.status,
    };
    if (result.status !== 'ok') {
      entry.reason = result.reason;
      entry.response = {
        status: result.response.status,
        contentType: result.response.headers.get('content-type'),
        body: await result.response.text().then(
          (text) => text.slice(0, 500),
          () => '(body already read)',
        ),
      };
    }
    return entry;
  }),
);
console.log(JSON.stringify(report, null, 2));
