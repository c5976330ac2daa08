// Drives Debian's Chromium (playwright-core, installed by frontend/graphiql's `npm ci`) through
// BookNest's GraphiQL page: a query, then a subscription that receives an event triggered by a
// mutation sent over HTTP while the page listens. Prints a JSON report for the pytest test.
//
// usage: node browser.mjs <base url> <book global id> <access token>
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(
  fileURLToPath(new URL("../../../frontend/graphiql/package.json", import.meta.url)),
);
const { chromium } = require("playwright-core");

const [baseUrl, bookId, token] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
  ],
});
const report = { requests: [], websockets: [], console: [], steps: [] };
const started = Date.now();
const step = (name) => report.steps.push(`${name} +${Date.now() - started}ms`);
try {
  const page = await browser.newPage();
  page.on("request", (request) => report.requests.push(request.url()));
  page.on("websocket", (socket) => report.websockets.push(socket.url()));
  page.on("console", (message) => report.console.push(`${message.type()}: ${message.text()}`));

  async function run(query) {
    await page.goto(`${baseUrl}/graphql?q=${encodeURIComponent(query)}`);
    await page.locator(".graphiql-execute-button").click({ timeout: 30000 });
  }
  const result = () => page.locator(".result-window");

  step("launched");
  await run(`{ node(id: "${bookId}") { ... on Book { title } } }`);
  await result().getByText("Live Book").waitFor({ timeout: 30000 });
  report.query = await result().innerText();
  step("query answered");

  const subscribed = new Promise((resolve) => {
    page.on("websocket", (socket) =>
      socket.on("framesent", (frame) => {
        if (String(frame.payload).includes('"subscribe"')) resolve();
      }),
    );
  });
  await run(`subscription { bookActivity(bookId: "${bookId}") { rating { value } } }`);
  await Promise.race([
    subscribed,
    new Promise((_, reject) => setTimeout(() => reject(new Error("no subscribe frame")), 30000)),
  ]);
  step("subscribed");
  await new Promise((resolve) => setTimeout(resolve, 500)); // the server joins the book's group
  const response = await fetch(`${baseUrl}/graphql`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: "mutation($b: ID!) { rateBook(bookId: $b, value: 4.5) { errors { code } } }",
      variables: { b: bookId },
    }),
  });
  report.mutation = await response.json();
  await result().getByText("4.5").waitFor({ timeout: 30000 });
  report.subscription = await result().innerText();
  step("event shown");
} catch (error) {
  report.error = String(error);
} finally {
  await browser.close();
  step("closed");
}
console.log(JSON.stringify(report));
process.exit(0); // not waiting for idle keep-alive sockets to time out
