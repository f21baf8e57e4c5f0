/**
 * After `npm test`: every skipped test file with how many tests it skipped and why (the `[skipped: …]` of its
 * title, see skip-reason.ts), instead of a bare "20 skipped".
 */
const path = require('node:path');

class SkippedTestsReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const byFile = new Map();
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        if (test.status !== 'pending' && test.status !== 'skipped' && test.status !== 'todo') continue;
        const key = path.relative(this.rootDir, file.testFilePath);
        const titled = [...test.ancestorTitles, test.title].map((t) => /\[skipped: (.+)\]$/.exec(t)).find(Boolean);
        const reason = titled ? titled[1] : 'no reason in its title (tests/support/skip-reason.ts)';
        const entry = byFile.get(key) ?? { count: 0, reasons: new Set() };
        entry.count += 1;
        entry.reasons.add(reason);
        byFile.set(key, entry);
      }
    }
    if (byFile.size === 0) return;
    const total = [...byFile.values()].reduce((sum, e) => sum + e.count, 0);
    const lines = [`Skipped ${total} test${total === 1 ? '' : 's'}, and why:`];
    for (const [file, entry] of [...byFile].sort()) lines.push(`  ${file} (${entry.count}): ${[...entry.reasons].join('; ')}`);
    process.stdout.write(`\n${lines.join('\n')}\n`);
  }
}

module.exports = SkippedTestsReporter;
