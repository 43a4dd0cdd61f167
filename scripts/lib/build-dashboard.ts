import path from 'node:path';
import { build } from 'vite';

/** web/ built into web/dist/ (the page and its hashed assets). */
export async function buildDashboard(): Promise<void> {
  const nodeEnv = process.env.NODE_ENV;
  await build({ root: path.resolve(import.meta.dirname, '..', '..', 'web'), logLevel: 'warn' });
  // Vite sets NODE_ENV=production for its build; the process that asked is not production
  // (npm start would refuse its local configuration).
  if (nodeEnv === undefined) delete process.env.NODE_ENV;
  else process.env.NODE_ENV = nodeEnv;
}
