/**
 * Work to do once a transaction has committed (dispatching the jobs it enqueued). Kept per
 * transaction object; withTenant runs it after commit and drops it on rollback, so nothing
 * is announced for data that was never written.
 */
const hooks = new WeakMap<object, Array<() => Promise<void>>>();

export function afterCommit(trx: object, hook: () => Promise<void>) {
  const list = hooks.get(trx) ?? [];
  list.push(hook);
  hooks.set(trx, list);
}

export function takeAfterCommitHooks(trx: object): Array<() => Promise<void>> {
  const list = hooks.get(trx) ?? [];
  hooks.delete(trx);
  return list;
}
