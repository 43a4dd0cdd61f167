// The service accounts and their roles, from infra/functions/iam.yaml and the function
// list: each function's own account, and the identities that call the private ones.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { FunctionSpec } from './deploy-functions.ts';

export interface ServiceAccount {
  roles: string[];
  /** Private functions this identity may invoke. */
  invokes: string[];
}

export function serviceAccounts(
  functions: FunctionSpec[],
  file = path.resolve(import.meta.dirname, '..', 'functions', 'iam.yaml'),
): Record<string, ServiceAccount> {
  const raw = parse(readFileSync(file, 'utf8'));
  const accounts: Record<string, ServiceAccount> = {};
  for (const f of functions) {
    const storage = f.env.STORAGE_DRIVER === 'gcs' ? [raw.storage as string] : [];
    accounts[`devctx-${f.name}`] = { roles: [...raw.everyFunction, ...storage], invokes: [] };
  }
  for (const [name, account] of Object.entries<Partial<ServiceAccount>>(raw.serviceAccounts)) {
    accounts[name] = { roles: account.roles ?? [], invokes: account.invokes ?? [] };
  }
  return accounts;
}
