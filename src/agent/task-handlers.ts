export interface TaskContext {
  paused: boolean;
  status: () => Record<string, unknown>;
}

export interface TaskHandler {
  /** Protection tasks (kill, quarantine, scans) are refused while the host is paused (PauseClient). */
  protection: boolean;
  run(params: unknown, ctx: TaskContext): Promise<unknown>;
}

/** Built-in tasks; features register more kinds with `registerTask`. */
const handlers = new Map<string, TaskHandler>([
  ['ping', { protection: false, run: async () => ({ pong: true, time: Date.now() }) }],
  ['echo', { protection: false, run: async (params) => params }],
  ['status', { protection: false, run: async (_p, ctx) => ctx.status() }],
]);

export function registerTask(kind: string, handler: TaskHandler): void {
  handlers.set(kind, handler);
}

export async function runTask(kind: string, params: unknown, ctx: TaskContext): Promise<{ ok: true; data: unknown } | { ok: false; error: string }> {
  const h = handlers.get(kind);
  if (!h) return { ok: false, error: `unknown task kind "${kind}"` };
  if (h.protection && ctx.paused) return { ok: false, error: 'protection is paused on this host (PauseClient); task not run' };
  try {
    return { ok: true, data: await h.run(params, ctx) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
