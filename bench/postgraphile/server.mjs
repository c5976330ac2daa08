// Bench-only: one Node process serving PostGraphile v5 over node:http (grafserv's node adaptor)
// at http://127.0.0.1:$PORT/graphql (the harness waits until `{ __typename }` answers there).
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { grafserv } from "postgraphile/grafserv/node";
import preset from "./graphile.config.mjs";

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
await serv.addTo(server);
await pgl.getSchema(); // build the schema before listening
const { host, port } = preset.grafserv;
server.listen(port, host, () => {
  console.log(`PostGraphile listening on http://${host}:${port}/graphql`);
});

async function stop() {
  server.close();
  await pgl.release();
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
