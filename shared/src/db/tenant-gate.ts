import { AsyncLocalStorage } from 'node:async_hooks';
import { AppError } from '../errors/app-error.ts';

/**
 * Per tenant, at most `share` of this process's database connections at once, so that no
 * tenant — however many requests it sends, however slow its statements — can hold the
 * whole pool while other tenants wait. A tenant over its share waits in line for up to
 * `waitMs`, then gets 503 with Retry-After. Work already holding a place (a transaction
 * opened inside another, on the same tenant) passes straight through, so nesting never
 * deadlocks against its own tenant.
 */
export class TenantGate {
  readonly #share: number;
  readonly #waitMs: number;
  readonly #tenants = new Map<string, { active: number; waiting: (() => void)[] }>();
  readonly #holding = new AsyncLocalStorage<ReadonlySet<string>>();

  constructor(options: { share: number; waitMs: number }) {
    this.#share = Math.max(1, options.share);
    this.#waitMs = options.waitMs;
  }

  async run<T>(tenantId: string, work: () => Promise<T>): Promise<T> {
    const held = this.#holding.getStore();
    if (held?.has(tenantId)) return work();
    await this.#enter(tenantId);
    try {
      return await this.#holding.run(new Set([...(held ?? []), tenantId]), work);
    } finally {
      this.#leave(tenantId);
    }
  }

  /** Connections a tenant holds now (for tests and metrics). */
  active(tenantId: string): number {
    return this.#tenants.get(tenantId)?.active ?? 0;
  }

  async #enter(tenantId: string) {
    let state = this.#tenants.get(tenantId);
    if (!state) {
      state = { active: 0, waiting: [] };
      this.#tenants.set(tenantId, state);
    }
    if (state.active < this.#share) {
      state.active++;
      return;
    }
    const queue = state.waiting;
    await new Promise<void>((resolve, reject) => {
      const admit = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        queue.splice(queue.indexOf(admit), 1);
        reject(
          new AppError(
            'service_unavailable',
            'This tenant has too much work in progress; retry shortly.',
            {
              headers: { 'retry-after': '2' },
            },
          ),
        );
      }, this.#waitMs);
      queue.push(admit);
    });
  }

  #leave(tenantId: string) {
    const state = this.#tenants.get(tenantId);
    if (!state) return;
    const next = state.waiting.shift();
    // The place passes straight to the next in line; otherwise it is freed.
    if (next) next();
    else if (--state.active === 0) this.#tenants.delete(tenantId);
  }
}
