// Renders Graphviz DOT from standard input to SVG on standard output with @viz-js/viz
// (Graphviz compiled to WebAssembly, installed by `npm ci`: no system Graphviz needed).
// Usage: node render_dot.mjs < graph.dot > graph.svg
import process from "node:process";
import { instance } from "@viz-js/viz";

let dot = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) {
  dot += chunk;
}
const viz = await instance();
process.stdout.write(viz.renderString(dot, { format: "svg" }));
