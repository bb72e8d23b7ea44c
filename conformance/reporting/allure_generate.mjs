// Builds the Allure HTML report like `allure generate RESULTS -o OUTPUT -c CONFIG`, in two halves:
// loading Allure (about a second of module loading) starts with the test run, and generating
// starts when standard input closes, i.e. once the results are complete.
// Usage: node allure_generate.mjs RESULTS_DIR CONFIG_FILE NODE_MODULES
//   (closing stdin without "go" cancels). Allure is imported from NODE_MODULES, the project's
//   node_modules, because this script ships inside the Python package, far from it.
import { createRequire } from "node:module";
import { join } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";

const [resultsDir, configPath, nodeModules] = process.argv.slice(2);
const resolve = createRequire(join(nodeModules, "ordermesh-conformance.cjs")).resolve;
const { AllureReport, readConfig } = await import(
  pathToFileURL(resolve("@allurereport/core")).href
);
const config = await readConfig(process.cwd(), configPath);

let go = false;
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) {
  go = go || chunk.includes("go");
}
if (!go) {
  process.exit(0);
}
const report = new AllureReport(config);
await report.restoreState([]);
await report.start();
await report.readDirectory(resultsDir);
await report.done();
