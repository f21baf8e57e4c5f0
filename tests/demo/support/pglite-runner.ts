/**
 * Runs SQL steps in a fresh in-memory PGlite, in its own Node process, and prints the query results as
 * JSON. Jest's sandbox cannot host PGlite (it loads modules with dynamic `import()`), so the demo tests
 * spawn this script through {@link runInPGlite} in ./run-in-pglite.ts.
 *
 * stdin:  {"steps": [{"exec": ["create table …", "insert …"]}, {"label": "count", "query": "select …"}]}
 * stdout: {"count": [{…row…}]}
 */
import { PGlite } from '@electric-sql/pglite';

type Step = { exec: string[] } | { label: string; query: string };

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const { steps } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { steps: Step[] };

  const db = await PGlite.create();
  const results: Record<string, unknown[]> = {};
  try {
    for (const step of steps) {
      if ('exec' in step) {
        for (const sql of step.exec) await db.exec(sql);
      } else {
        results[step.label] = (await db.query(step.query)).rows;
      }
    }
  } finally {
    await db.close();
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((error: unknown) => {
  process.stderr.write(String(error instanceof Error ? error.stack : error));
  process.exitCode = 1;
});
