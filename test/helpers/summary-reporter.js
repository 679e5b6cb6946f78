/**
 * Writes the run's totals to test-results/summary.json, which .ci/run turns into its
 * last line ("tests: N passed, N failed"). Jest's own summary is for people.
 */
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const dir = path.join(__dirname, '..', '..', 'test-results');
    fs.mkdirSync(dir, { recursive: true });
    const failedSuites = results.numFailedTestSuites + results.numRuntimeErrorTestSuites;
    fs.writeFileSync(
      path.join(dir, 'summary.json'),
      JSON.stringify({
        passed: results.numPassedTests,
        // A suite that failed to run (syntax error, setup failure) counts as one failure.
        failed: results.numFailedTests + (results.numFailedTests === 0 ? failedSuites : 0),
        total: results.numTotalTests,
      }),
    );
  }
}

module.exports = SummaryReporter;
