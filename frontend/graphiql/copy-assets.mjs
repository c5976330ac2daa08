// Copies the browser bundles GraphiQL needs from node_modules to static/graphiql/, which
// Django's staticfiles serves (STATICFILES_DIRS in booknest/settings.py). Run by `npm ci`.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const target = join(here, "static", "graphiql");
const files = {
  "react.production.min.js": "react/umd/react.production.min.js",
  "react-dom.production.min.js": "react-dom/umd/react-dom.production.min.js",
  "graphiql.min.js": "graphiql/graphiql.min.js",
  "graphiql.min.css": "graphiql/graphiql.min.css",
  // Named by the bundles' sourceMappingURL comments: collectstatic's manifest wants them present.
  "graphiql.min.js.map": "graphiql/graphiql.min.js.map",
  "graphiql.min.css.map": "graphiql/graphiql.min.css.map",
  "graphql-ws.min.js": "graphql-ws/umd/graphql-ws.min.js",
};
mkdirSync(target, { recursive: true });
for (const [name, source] of Object.entries(files)) {
  copyFileSync(join(here, "node_modules", source), join(target, name));
}
console.log(`GraphiQL assets copied to ${target}`);
