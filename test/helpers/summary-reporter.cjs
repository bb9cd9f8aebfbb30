// Prints the plain closing line CI reads: "tests: N passed, N failed, N skipped", and before it
// what was skipped and why. The why is each skipped suite's own title (the live suites name
// their opt-in there), so that a new skipped test explains itself without an edit here.
// CommonJS because Jest loads reporters with require().
const { relative } = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const skipped = skippedGroups(results.testResults, this.rootDir);
    const skippedCount = results.numPendingTests + results.numTodoTests;
    // A file that could not run (a syntax error, a throw outside any test) has no failed test
    // but fails the run: it counts as one failure, so that the line never reads "0 failed" then.
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const lines = [''];
    if (skipped.length > 0) {
      lines.push(`${skippedCount} skipped:`);
      for (const { count, todo, title, file } of skipped) lines.push(`  ${count}${todo ? ' todo' : ''} in ${title ? `"${title}", ` : ''}${file}`);
    }
    lines.push(`tests: ${results.numPassedTests} passed, ${failed} failed, ${skippedCount} skipped`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}

/** Skipped and todo tests, counted by file, outermost describe and kind, in the order they ran. */
function skippedGroups(fileResults, rootDir) {
  const groups = new Map();
  for (const fileResult of fileResults) {
    const file = relative(rootDir, fileResult.testFilePath);
    for (const test of fileResult.testResults) {
      if (test.status !== 'pending' && test.status !== 'todo' && test.status !== 'skipped') continue;
      const todo = test.status === 'todo';
      const title = test.ancestorTitles[0] ?? '';
      const key = `${file}\0${title}\0${todo}`;
      const group = groups.get(key) ?? { count: 0, todo, title, file };
      group.count += 1;
      groups.set(key, group);
    }
  }
  return [...groups.values()];
}

module.exports = SummaryReporter;
