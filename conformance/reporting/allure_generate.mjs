// Builds the Allure HTML report like `allure generate RESULTS -o OUTPUT -c CONFIG`, in two halves:
// loading Allure (about a second of module loading) starts with the test run, and generating
// starts when standard input closes, i.e. once the results are complete.
// Usage: node allure_generate.mjs RESULTS_DIR CONFIG_FILE   (closing stdin without "go" cancels)
import process from "node:process";
import { AllureReport, readConfig } from "@allurereport/core";

const [resultsDir, configPath] = process.argv.slice(2);
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
