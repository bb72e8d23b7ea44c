// Renders Graphviz DOT from standard input to SVG on standard output with @viz-js/viz
// (Graphviz compiled to WebAssembly, installed by `npm ci`: no system Graphviz needed).
// Usage: node render_dot.mjs NODE_MODULES < graph.dot > graph.svg
//   @viz-js/viz is imported from NODE_MODULES, because this script ships inside the Python
//   package, far from the project's node_modules.
import { createRequire } from "node:module";
import { join } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";

const [nodeModules] = process.argv.slice(2);
const resolve = createRequire(join(nodeModules, "ordermesh-conformance.cjs")).resolve;
const { instance } = await import(pathToFileURL(resolve("@viz-js/viz")).href);

let dot = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) {
  dot += chunk;
}
const viz = await instance();
process.stdout.write(viz.renderString(dot, { format: "svg" }));
