/**
 * RenderPlans: the templates AdvanceRun needs rendered (render-port.ts), answered from the compiled project bundled
 * with the function. No AWS client: everything a render reads arrives in the event (the node and its slice of the
 * run state) and goes back in the answer. Each request is answered on its own, a render error as that request's
 * structured error, so one broken model fails its own node in AdvanceRun exactly as an in-process render would.
 */
import type { Dialect } from '../engine/dialects';
import type { Manifest } from '../engine/manifest';
import { answerRenderRequests, inProcessRenderer } from '../engine/run/render-in-process';
import type { RenderPlansEvent, RenderPlansResult, RenderRequest } from '../engine/run/render-port';

const KINDS: ReadonlySet<string> = new Set(['plan', 'test-statements', 'query-pass', 'reproduce-sql']);

export async function renderPlans(event: unknown, project: { manifest: Manifest; dialect: Dialect }): Promise<RenderPlansResult> {
  const requests = parseRenderPlansEvent(event);
  return { answers: await answerRenderRequests(inProcessRenderer(project), requests) };
}

/** The event's requests, checked: bad input is refused with what is wrong and where (`requests[3].node`). */
export function parseRenderPlansEvent(event: unknown): RenderRequest[] {
  const requests = (event as Partial<RenderPlansEvent> | null)?.requests;
  if (!Array.isArray(requests)) throw new TypeError('RenderPlans event: `requests` must be an array of render requests');
  requests.forEach((request: unknown, i) => {
    const r = request as Record<string, unknown> | null;
    const where = `RenderPlans event: requests[${i}]`;
    if (typeof r !== 'object' || r === null) throw new TypeError(`${where} must be an object`);
    if (typeof r.kind !== 'string' || !KINDS.has(r.kind)) throw new TypeError(`${where}.kind must be one of ${[...KINDS].join(', ')}, got ${JSON.stringify(r.kind)}`);
    const node = r.node as Record<string, unknown> | null;
    if (typeof node !== 'object' || node === null || typeof node.id !== 'string' || typeof node.kind !== 'string') throw new TypeError(`${where}.node must be a run node with an id and a kind`);
    const state = r.state as Record<string, unknown> | null;
    if (typeof state !== 'object' || state === null || typeof state.runId !== 'string' || !Array.isArray(state.nodes)) throw new TypeError(`${where}.state must be a run state slice with a runId and nodes`);
    if (r.kind === 'query-pass' && (typeof r.resolved !== 'object' || r.resolved === null)) throw new TypeError(`${where}.resolved must be an object of stored query results`);
  });
  return requests as RenderRequest[];
}
