import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Passwords of the local database roles, generated once per checkout and kept in .data/
 * (git-ignored, mode 600). Production reads its secrets from Secret Manager instead.
 */
export interface LocalSecrets {
  adminPassword: string;
  ownerPassword: string;
  appPassword: string;
  /** AES-256 key (base64) for webhook secrets at rest; added to older files on first use. */
  encryptionKey: string;
}

export async function loadLocalSecrets(dataDir: string): Promise<LocalSecrets> {
  const file = path.join(dataDir, 'local-secrets.json');
  const generate = () => randomBytes(24).toString('base64url');
  const existing = existsSync(file)
    ? (JSON.parse(await readFile(file, 'utf8')) as Partial<LocalSecrets>)
    : undefined;
  if (existing?.encryptionKey) return existing as LocalSecrets;
  const secrets = {
    adminPassword: generate(),
    ownerPassword: generate(),
    appPassword: generate(),
    ...existing,
    encryptionKey: randomBytes(32).toString('base64'),
  };
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}
