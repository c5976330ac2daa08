// Bench-only PostGraphile v5 configuration: the peer of BookNest in `python -m bench throughput`.
// Production-ish: no GraphiQL (Ruru), no watch mode, no explain, no websockets; errors masked by
// grafserv's default; the `public` schema of DATABASE_URL's database (Django's tables plus the
// computed columns of functions.sql). Amber is PostGraphile's default preset.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";

const connectionString = process.env.DATABASE_URL;
if (!connectionString) {
  throw new Error("DATABASE_URL is required");
}

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString,
      schemas: ["public"],
      // BookNest's pool: at most 10 connections per process (DATABASE_POOL_MAX_SIZE). Idle
      // connections are kept, as BookNest's pool keeps them, so each server's PostgreSQL backends
      // live through a measurement round (the harness reads their CPU time at both ends).
      poolConfig: { max: 10, idleTimeoutMillis: 0, application_name: "postgraphile-bench" },
    }),
  ],
  grafserv: {
    host: "127.0.0.1",
    port: Number(process.env.PORT || 5678),
    graphqlPath: "/graphql",
    graphiql: false,
    graphiqlOnGraphQLGET: false,
    watch: false,
    websockets: false,
  },
  grafast: { explain: false },
};

export default preset;
