/**
 * The {@link RenderPort} AdvanceRun uses in AWS: the RenderPlans function (functions/render-plans.ts) renders, so
 * AdvanceRun's bundle holds neither nunjucks nor the materializations (bench/RESULTS-lambda-bundles.md).
 *
 * Every render asked while a scheduler step runs is gathered and sent in ONE synchronous Invoke (RequestResponse):
 * requests made before the next turn of the event loop share a batch, so a step that starts 16 nodes pays one round
 * trip, not 16. The scheduler also asks ahead (`prefetch`, engine/run/prefetch-renders.ts) what the step will start once
 * its polls are back, so a step's renders share one Invoke rather than one per phase (poll, then start, then the
 * tests riding along). Nothing depends on the batching: a request made later is simply sent in a batch of its own. Each
 * request carries the node and only the part of the run state its render reads (`renderInputOf`), and answers are
 * kept by request for the invocation, so asking again for the same render costs nothing.
 *
 * Lambda's synchronous payload quota is 6 MB for the request and 6 MB for the response
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html, "Invocation payload (request and
 * response)"; the Invoke API reference: "For synchronous invocations, the maximum payload size is 6 MB",
 * https://docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html). A batch is split below that; one request above it
 * is refused here with a clear error naming the node. A render error comes back as a structured answer and is
 * thrown as the same kind of error (render-port.ts); a function error (a crash, a timeout) or a failed Invoke is thrown
 * as {@link RenderPlansFailedError}, naming the function, which the state machine's Retry on AdvanceRun covers.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { Manifest } from '../engine';
import type { MaterializationPlan } from '../engine/materializations/plan';
import type { StoredQueryResults } from '../engine/render/query-session';
import {
  errorOfRenderFailure, renderedNode, renderInputOf, type QueryPass, type RenderAnswer, type RenderAsk, type RenderFailure, type RenderPlansEvent,
  type RenderPlansResult, type RenderPort, type RenderRequest,
} from '../engine/run/render-port';
import type { RunNode, RunState } from '../engine/run/run-state';

/** Lambda's synchronous invocation payload quota, request and response (6 MB; taken as 6 MiB minus a margin for the envelope). */
export const MAX_INVOKE_PAYLOAD_BYTES = 6 * 1024 * 1024;
const BATCH_LIMIT_BYTES = MAX_INVOKE_PAYLOAD_BYTES - 64 * 1024;

export interface LambdaRendererOptions {
  client: LambdaClient;
  /** The RenderPlans function's name or ARN. */
  functionName: string;
  manifest: Manifest;
  /** Told after each Invoke (for tests and logs): how many requests it carried and its payload bytes. */
  onInvoke?: (batch: { requests: number; bytes: number }) => void;
  /** `false`: ignore the scheduler's prefetch (a benchmark's or test's baseline: one Invoke per phase of a step). */
  prefetch?: boolean;
}

interface Pending {
  request: RenderRequest;
  json: string;
  resolve: (answer: RenderAnswer) => void;
  reject: (error: unknown) => void;
}

/**
 * RenderPlans could not answer (throttled after the SDK's retries, crashed, timed out, or answered nonsense): the
 * AdvanceRun task fails with this name, which the state machine retries (state-machines/transform-run.asl.json);
 * a retried AdvanceRun submits nothing twice (client tokens).
 */
export class RenderPlansFailedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RenderPlansFailedError';
  }
}

export class LambdaRenderer implements RenderPort {
  private readonly answers = new Map<string, Promise<RenderAnswer>>();
  private pending: Pending[] = [];
  private flushScheduled = false;

  constructor(private readonly options: LambdaRendererOptions) {}

  async plan(node: RunNode, state: RunState): Promise<MaterializationPlan> {
    return this.value<MaterializationPlan>({ kind: 'plan', node: renderedNode(node), state: this.slice(node, state) });
  }

  async testStatements(node: RunNode, state: RunState): Promise<string[]> {
    return this.value<string[]>({ kind: 'test-statements', node: renderedNode(node), state: this.slice(node, state) });
  }

  async queryPass(node: RunNode, state: RunState, resolved: Readonly<StoredQueryResults>): Promise<QueryPass> {
    const pass = await this.value<{ sessions: QueryPass['sessions']; failure?: RenderFailure }>({
      kind: 'query-pass', node: renderedNode(node), state: this.slice(node, state), resolved: { ...resolved },
    });
    return { sessions: pass.sessions, ...(pass.failure && { failure: errorOfRenderFailure(pass.failure) }) };
  }

  async reproduceSql(node: RunNode, state: RunState): Promise<Record<string, string>> {
    return this.value<Record<string, string>>({ kind: 'reproduce-sql', node: renderedNode(node), state: this.slice(node, state) });
  }

  /**
   * Asks the renders now, so they travel in the batch of what the step asks in this turn (prefetch-renders.ts): a
   * step then pays one Invoke where it would pay one per phase. Each answer is kept for the same ask later.
   */
  prefetch(asks: readonly RenderAsk[]): void {
    if (this.options.prefetch === false) return;
    for (const ask of asks) {
      // A prefetch that fails is forgotten (answer() drops it); the ask, when it comes, invokes again.
      void this.answer({ kind: ask.kind, node: renderedNode(ask.node), state: this.slice(ask.node, ask.state) }).catch(() => undefined);
    }
  }

  private slice(node: RunNode, state: RunState): RunState {
    return renderInputOf(node, state, this.options.manifest);
  }

  private async value<T>(request: RenderRequest): Promise<T> {
    const answer = await this.answer(request);
    if ('error' in answer) throw errorOfRenderFailure(answer.error);
    return answer.value as T;
  }

  /** The answer to the request: kept from an earlier ask, or from the next batch. */
  private answer(request: RenderRequest): Promise<RenderAnswer> {
    const json = JSON.stringify(request);
    const known = this.answers.get(json);
    if (known) return known;
    const bytes = Buffer.byteLength(json);
    if (bytes > BATCH_LIMIT_BYTES) {
      return Promise.reject(new Error(
        `rendering ${request.node.name} needs ${(bytes / 1024 / 1024).toFixed(1)} MB of run state, more than a synchronous Lambda invocation takes ` +
          `(${MAX_INVOKE_PAYLOAD_BYTES / 1024 / 1024} MB): its run_query results or the run's vars are too large`,
      ));
    }
    const answer = new Promise<RenderAnswer>((resolve, reject) => {
      this.pending.push({ request, json, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => void this.flush());
      }
    });
    this.answers.set(json, answer);
    // A failed Invoke is not kept: the next ask (a retried step) invokes again.
    answer.catch(() => this.answers.delete(json));
    return answer;
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    await Promise.all(batchesOf(batch).map((part) => this.invoke(part)));
  }

  private async invoke(batch: Pending[]): Promise<void> {
    const body = `{"requests":[${batch.map((p) => p.json).join(',')}]}`;
    try {
      const bytes = Buffer.byteLength(body);
      this.options.onInvoke?.({ requests: batch.length, bytes });
      const output = await this.options.client.send(new InvokeCommand({
        FunctionName: this.options.functionName,
        InvocationType: 'RequestResponse',
        Payload: Buffer.from(body),
      }));
      const text = output.Payload ? Buffer.from(output.Payload).toString('utf8') : '';
      if (output.FunctionError) {
        const failure = parseOr<{ errorType?: string; errorMessage?: string }>(text, {});
        throw new RenderPlansFailedError(`${this.options.functionName} failed (${output.FunctionError}): ${failure.errorType ?? 'Error'}: ${failure.errorMessage ?? text}`);
      }
      const result = parseOr<Partial<RenderPlansResult>>(text, {});
      if (!Array.isArray(result.answers) || result.answers.length !== batch.length) {
        throw new RenderPlansFailedError(`${this.options.functionName} answered ${Array.isArray(result.answers) ? result.answers.length : 'no'} renders for ${batch.length} requests`);
      }
      batch.forEach((p, i) => p.resolve(result.answers![i]!));
    } catch (error) {
      const failure = error instanceof RenderPlansFailedError ? error
        : new RenderPlansFailedError(`invoking ${this.options.functionName} failed: ${(error as Error).name}: ${(error as Error).message}`, { cause: error });
      for (const p of batch) p.reject(failure);
    }
  }
}

/** Requests in order, cut into batches whose JSON stays below the payload quota. */
function batchesOf(pending: Pending[]): Pending[][] {
  const batches: Pending[][] = [];
  let current: Pending[] = [];
  let bytes = 0;
  for (const p of pending) {
    const size = Buffer.byteLength(p.json) + 1;
    if (current.length && bytes + size > BATCH_LIMIT_BYTES) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(p);
    bytes += size;
  }
  if (current.length) batches.push(current);
  return batches;
}

function parseOr<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export type { RenderPlansEvent };
