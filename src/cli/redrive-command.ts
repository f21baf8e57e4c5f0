/**
 * `landfall redrive ID`: RedriveExecution on a local execution, through `@aws-sdk/client-sfn` — against a
 * running `landfall serve` when there is one, otherwise against the stack started in-process for the command
 * (then it waits for the redriven run and exits 0 only when it SUCCEEDED). Unlike `replay` (a new execution
 * with the same input), the same execution continues at its unsuccessful state; states that succeeded do not
 * run again. AWS allows it for FAILED, TIMED_OUT and ABORTED executions within 14 days of their stop.
 */
import { ExecutionNotRedrivable, RedriveExecutionCommand } from '@aws-sdk/client-sfn';
import { readStoredExecution } from '../local/aws/execution-store';
import { commonOptions } from './command-context';
import { parseFlags, UsageError } from './options';
import { connectLocalStepFunctions } from './cli-local-stack';
import { executionFigures } from './stack-commands';

export async function redriveCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, {}, true);
  const options = commonOptions(values);
  const id = positionals[0];
  if (!id) throw new UsageError('redrive takes an execution name or ARN (see `landfall executions`)');
  const previous = readStoredExecution(options.stateDir, id);
  if (!previous) throw new UsageError(`no execution named ${id} in ${options.stateDir}`);
  const write = (line: string) => process.stdout.write(`${line}\n`);

  const local = await connectLocalStepFunctions(options, write);
  const { sfn, stack } = local;
  try {
    await sfn.send(new RedriveExecutionCommand({ executionArn: previous.executionArn }));
    write(`Redriving ${previous.name} (${previous.status}: ${previous.error ?? 'no error'}) at its unsuccessful state, same input and ARN.`);
    if (!stack) {
      write('Redriven on the running `landfall serve`; its terminal shows the run.');
      return 0;
    }
    const finished = await stack.stepFunctions.waitForExecution(previous.executionArn);
    write(`\nExecution ${finished.name}: ${finished.status}${finished.error ? ` (${finished.error})` : ''} — ${executionFigures(finished)}`);
    return finished.status === 'SUCCEEDED' ? 0 : 1;
  } catch (error) {
    if (error instanceof ExecutionNotRedrivable) {
      process.stderr.write(`landfall redrive: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await local.close();
  }
}
