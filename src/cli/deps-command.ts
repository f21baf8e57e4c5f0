/** `landfall deps [--project-dir DIR] [--upgrade] [--lock]`: install the project's dbt packages (src/packages/deps.ts). */
import { parseFlags } from './options';
import { runDeps } from '../packages/deps';

export async function depsCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, { upgrade: { type: 'boolean' }, lock: { type: 'boolean' } });
  await runDeps({
    projectDir: String(values['project-dir'] ?? 'dbt'),
    upgrade: values.upgrade === true,
    lockOnly: values.lock === true,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  return 0;
}
