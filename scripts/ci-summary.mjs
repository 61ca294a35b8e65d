// Prints one line per test suite and a final "N passed, N failed, N skipped" line, from
// the JSON reports that `npm test` leaves in reports/. A suite whose report is missing did
// not run (an earlier stage failed); it counts as zero and says so.
//
// An error outside any test (a test file that fails to load, a web server that never
// starts) counts as one failure, so a red run can never summarize as "0 failed".
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const reports = join(dirname(fileURLToPath(import.meta.url)), "..", "reports");

const suites = [
  {
    name: "unit",
    file: join(reports, "unit.json"),
    // Vitest's JSON reporter (Jest-compatible shape).
    count(report) {
      const passed = num(report.numPassedTests);
      const failed = num(report.numFailedTests);
      const skipped = num(report.numPendingTests) + num(report.numTodoTests);
      const outside = report.success === false && failed === 0 ? 1 : 0;
      const note = outside
        ? "the run failed outside any test, such as a file that failed to load"
        : "";
      return { passed, failed: failed + outside, skipped, note };
    },
  },
  {
    name: "e2e",
    file: join(reports, "e2e.json"),
    // Playwright's JSON reporter. A flaky test passed on retry, so it counts as passed.
    count(report) {
      const stats = report.stats ?? {};
      const errors = Array.isArray(report.errors) ? report.errors : [];
      const first = errors[0]?.message?.split("\n")[0];
      const note = errors.length
        ? `${errors.length} error(s) outside any test${first ? `: ${first}` : ""}`
        : "";
      return {
        passed: num(stats.expected) + num(stats.flaky),
        failed: num(stats.unexpected) + errors.length,
        skipped: num(stats.skipped),
        note,
      };
    },
  },
];

const total = { passed: 0, failed: 0, skipped: 0 };
for (const suite of suites) {
  const result = readSuite(suite);
  total.passed += result.passed;
  total.failed += result.failed;
  total.skipped += result.skipped;
  const counts = `${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped`;
  console.log(`${suite.name}: ${counts}${result.note ? ` (${result.note})` : ""}`);
}
// A red run whose failing stage wrote no test report (lint, typecheck, npm ci) is still
// a failure: count it as one, so the closing line never reads "0 failed" for a red run.
const status = Number(process.env.PARLEY_CI_STATUS ?? "0");
if (status !== 0 && total.failed === 0) {
  total.failed = 1;
  console.log(`setup/lint/typecheck: failed (exit ${status}) before any test suite reported`);
}
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);

function readSuite(suite) {
  if (!existsSync(suite.file)) {
    return { passed: 0, failed: 0, skipped: 0, note: "did not run: no report" };
  }
  let report;
  try {
    report = JSON.parse(readFileSync(suite.file, "utf8"));
  } catch (error) {
    // The suite ran but its report is unreadable: that is a failure, not a pass.
    return {
      passed: 0,
      failed: 1,
      skipped: 0,
      note: `unreadable report: ${error.message.split("\n")[0]}`,
    };
  }
  return suite.count(report);
}

function num(value) {
  return Number.isFinite(value) ? value : 0;
}
