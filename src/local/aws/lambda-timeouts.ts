/**
 * The timeout each deployed Lambda function has, read from the deployment files (serverless.yml and the
 * `${file(serverless/*.functions.yml)}` it lists under `functions:`), so the local Step Functions fails a
 * task whose handler runs longer, as Lambda would.
 *
 * A function's `timeout:` wins; otherwise `provider.timeout`; otherwise the Serverless Framework's default of
 * 6 seconds (https://www.serverless.com/framework/docs/providers/aws/guide/functions: "timeout: … the default
 * is 6 seconds"; plain Lambda defaults to 3 s, https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html,
 * but the framework always sets it). Lambda allows 1–900 seconds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';

export const SERVERLESS_DEFAULT_TIMEOUT_SECONDS = 6;
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;

type Yaml = Record<string, unknown>;

/** Reads a deployment YAML file; CloudFormation short tags (`!Ref X`, `!GetAtt X.Arn`) load as their plain value. */
function readYaml(file: string): Yaml {
  const text = fs.readFileSync(file, 'utf8').replace(/(^|[\s:[,-])!(Ref|GetAtt|Sub|Join|If|Equals|Not|And|Or|Select|Split|FindInMap|ImportValue|Base64|GetAZs|Condition|Cidr)(?=\s)/g, '$1');
  let value: unknown;
  try {
    value = load(text);
  } catch (error) {
    throw new Error(`${file} is not valid YAML, so the local stack cannot read the functions' timeouts: ${(error as Error).message}`);
  }
  return value && typeof value === 'object' ? (value as Yaml) : {};
}

/**
 * Timeout in seconds of every function, keyed by its handler module's file name without extension
 * (`functions/plan-run.handler` → `plan-run`).
 *
 * @example
 * lambdaTimeoutsByHandler('.')  // { 'plan-run': 60, 'fivetran-webhook': 10, … }
 */
export function lambdaTimeoutsByHandler(repoRoot: string): Record<string, number> {
  const main = readYaml(path.join(repoRoot, 'serverless.yml'));
  const provider = (main.provider ?? {}) as Yaml;
  const fallback = typeof provider.timeout === 'number' ? provider.timeout : SERVERLESS_DEFAULT_TIMEOUT_SECONDS;
  const entries = Array.isArray(main.functions) ? main.functions : [main.functions ?? {}];
  const timeouts: Record<string, number> = {};
  for (const entry of entries) {
    const included = typeof entry === 'string' ? /^\$\{file\(([^)]+)\)\}$/.exec(entry.trim()) : null;
    const functions = (included ? readYaml(path.join(repoRoot, included[1]!)) : entry) as Record<string, Yaml>;
    for (const [name, config] of Object.entries(functions ?? {})) {
      if (!config || typeof config.handler !== 'string') continue;
      const timeout = typeof config.timeout === 'number' ? config.timeout : fallback;
      if (!Number.isInteger(timeout) || timeout < 1 || timeout > LAMBDA_MAX_TIMEOUT_SECONDS) {
        throw new Error(`serverless: function ${name} has timeout ${timeout}; Lambda allows whole seconds from 1 to ${LAMBDA_MAX_TIMEOUT_SECONDS}`);
      }
      timeouts[path.basename(config.handler.replace(/\.[^./]+$/, ''))] = timeout;
    }
  }
  return timeouts;
}

/**
 * Lambda timeouts per Task state, for `LocalStateMachineConfig.lambdaTimeouts`, from the handler module each
 * Task state runs (`{ PlanRun: 'plan-run' }`). A state whose module no function uses is an error: the
 * definition and the deployment disagree.
 */
export function lambdaTimeoutsByState(repoRoot: string, modulesByState: Record<string, string>): Record<string, number> {
  const byHandler = lambdaTimeoutsByHandler(repoRoot);
  return Object.fromEntries(
    Object.entries(modulesByState).map(([state, module]) => {
      const timeout = byHandler[module];
      if (timeout === undefined) throw new Error(`serverless: no function has handler functions/${module}.handler (Task state ${state})`);
      return [state, timeout];
    }),
  );
}

const cachedByRepo = new Map<string, Record<string, number>>();

/**
 * The deployed timeout of the function whose handler module is `module`, for the Lambda context's
 * `getRemainingTimeInMillis` and the Task's timeout; read once per repository. Undefined when no function
 * uses that module.
 */
export function deployedLambdaTimeout(repoRoot: string, module: string): number | undefined {
  let byHandler = cachedByRepo.get(repoRoot);
  if (!byHandler) {
    byHandler = lambdaTimeoutsByHandler(repoRoot);
    cachedByRepo.set(repoRoot, byHandler);
  }
  return byHandler[module];
}
