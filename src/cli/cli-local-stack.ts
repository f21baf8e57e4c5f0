/**
 * The local stack as the CLI's commands reach it: a running `landfall serve` (found by the endpoints.json it writes
 * in the state folder), or a stack started in-process for one command, printing node progress as the run goes.
 * `connectLocalStepFunctions` gives `replay`, `redrive` and `loads retry` a Step Functions client to either.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { Manifest, RunNode } from '../engine';
import type { TaskHandler } from '../local/aws/step-functions';
import { startLocalStack, type LocalStack } from '../local/local-stack';
import { awsDependencies } from '../runtime/aws-dependencies';
import { loadCompiledManifest } from '../runtime/compiled-project';
import type { StoredRun } from '../runtime/run-state-store';
import type { RunTrigger, TransformRunPayload } from '../runtime/transform-run';
import type { CommonOptions } from './command-context';
import { printRunEvent } from './progress';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Where `landfall serve` writes its endpoints (with its pid) for the other commands. */
export function endpointsFile(stateDir: string): string {
  return path.join(stateDir, 'endpoints.json');
}

/** Print node progress from the run state the PlanRun/AdvanceRun/EndFailedRun tasks store (their payloads point at it). */
export function progressFromPayloads(write: (line: string) => void): (stateName: string, handler: TaskHandler) => TaskHandler {
  const readNodes = async (payload: TransformRunPayload) => (await awsDependencies().runStates.read<RunTrigger>(payload.state));
  return (stateName, handler) => async (input) => {
    if (stateName !== 'PlanRun' && stateName !== 'AdvanceRun' && stateName !== 'EndFailedRun') return handler(input);
    const before = new Map<string, RunNode>(stateName === 'AdvanceRun' ? (await readNodes(input as TransformRunPayload)).run.nodes.map((n) => [n.id, n]) : []);
    const output = await handler(input);
    const payload = output as TransformRunPayload;
    let manifest: Manifest;
    let stored: StoredRun<RunTrigger>;
    try {
      manifest = loadCompiledManifest();
      stored = await readNodes(payload);
    } catch {
      return output;
    }
    const { trigger, run } = stored;
    if (stateName === 'PlanRun') {
      write(`${new Date().toISOString().slice(11, 19)}  Run ${payload.execution.name}: ${trigger.description}; ${run.nodes.length} nodes selected${trigger.routedSources.length ? ` downstream of ${trigger.routedSources.map((s) => s.split('.').slice(-2).join('.')).join(', ')}` : ''}`);
    }
    if (stateName === 'EndFailedRun') {
      write(`${new Date().toISOString().slice(11, 19)}  Run ${payload.execution.name} redriven: ${payload.counts.nodes - payload.counts.finished} nodes to run again`);
    }
    const total = run.nodes.length;
    run.nodes.forEach((node, i) => {
      const previous = before.get(node.id)?.status ?? 'pending';
      if (previous === 'pending' && node.status !== 'pending' && node.status !== 'skipped') {
        printRunEvent({ type: 'node_started', node, index: i + 1, total }, manifest, write);
      }
      if ((previous === 'pending' || previous === 'running') && node.status !== 'pending' && node.status !== 'running') {
        const durationMs = node.startedAt && node.finishedAt ? Date.parse(node.finishedAt) - Date.parse(node.startedAt) : 0;
        printRunEvent({ type: 'node_finished', node, index: i + 1, total, durationMs }, manifest, write);
      }
    });
    return output;
  };
}

export async function startStackForCli(options: CommonOptions, write: (line: string) => void, webhookPort = 0, windowSeconds?: number): Promise<LocalStack> {
  return startLocalStack({
    ...(windowSeconds !== undefined && { coalesceWindowMs: windowSeconds * 1000 }),
    repoRoot: REPO_ROOT,
    projectDir: options.projectDir,
    stateDir: options.stateDir,
    databaseUrl: options.databaseUrl,
    target: options.targetSchema ? { schema: options.targetSchema } : undefined,
    webhookPort,
    wrapTask: progressFromPayloads(write),
    onEmail: (email) => write(`\n📧 Alert email written to ${path.relative(process.cwd(), email.file)}\n   Subject: ${email.subject}\n`),
  });
}

/** The endpoints of a `landfall serve` still running on this state folder, or undefined. */
export function runningServe(stateDir: string): Record<string, string> | undefined {
  const file = endpointsFile(stateDir);
  if (!fs.existsSync(file)) return undefined;
  const endpoints = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string> & { pid: number };
  try {
    process.kill(endpoints.pid, 0);
    return endpoints;
  } catch {
    return undefined; // the serve that wrote it is gone
  }
}

export interface LocalStepFunctionsClient {
  sfn: SFNClient;
  /** The in-process stack, or undefined when a running `landfall serve` answers (it shows the run in its terminal). */
  stack: LocalStack | undefined;
  /** The endpoints of the running serve, when one answers. */
  running: Record<string, string> | undefined;
  /** Destroys the client and closes the in-process stack, if any. */
  close(): Promise<void>;
}

/**
 * @example
 * const local = await connectLocalStepFunctions(options, write);
 * try { await local.sfn.send(new StartExecutionCommand({ … })); } finally { await local.close(); }
 */
export async function connectLocalStepFunctions(options: CommonOptions, write: (line: string) => void): Promise<LocalStepFunctionsClient> {
  const running = runningServe(options.stateDir);
  const stack = running ? undefined : await startStackForCli(options, write);
  const sfn = new SFNClient({
    endpoint: running?.AWS_ENDPOINT_URL_SFN ?? stack!.endpoints.AWS_ENDPOINT_URL_SFN,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    sfn,
    stack,
    running,
    close: async () => {
      sfn.destroy();
      await stack?.close();
    },
  };
}
