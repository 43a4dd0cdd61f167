export interface LoadResult {
  name: string;
  requests: number;
  errors: number;
  seconds: number;
  latenciesMs: number[];
}

export interface Summary {
  scenario: string;
  requests: number;
  rps: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
}

/**
 * Runs `clients` loops of `request` until `stop` resolves; each loop waits for its reply
 * before the next call (closed model), so latency is what a client sees.
 */
export async function runClients(
  name: string,
  clients: number,
  stop: Promise<void>,
  request: (client: number) => Promise<Response>,
  ok: (status: number) => boolean = (s) => s < 400,
): Promise<LoadResult> {
  let running = true;
  void stop.then(() => {
    running = false;
  });
  const latenciesMs: number[] = [];
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (running) {
        const t0 = performance.now();
        try {
          const response = await request(client);
          await response.arrayBuffer();
          if (!ok(response.status)) errors++;
        } catch {
          errors++;
        }
        latenciesMs.push(performance.now() - t0);
      }
    }),
  );
  return {
    name,
    requests: latenciesMs.length,
    errors,
    seconds: (performance.now() - started) / 1000,
    latenciesMs,
  };
}

export function summarize(result: LoadResult): Summary {
  const sorted = [...result.latenciesMs].sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    scenario: result.name,
    requests: result.requests,
    rps: Math.round(result.requests / result.seconds),
    errors: result.errors,
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
  };
}

export const seconds = (s: number) => new Promise<void>((r) => setTimeout(r, s * 1000));
