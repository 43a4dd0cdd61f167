import path from 'node:path';
import type { Config } from '../config/config.ts';
import {
  FileKeySource,
  type KeySetSource,
  MemoryKeySource,
  SecretManagerKeySource,
} from './key-sources.ts';

/** The key driver the configuration names (validated at start-up). */
export function keySourceFor(
  config: Pick<
    Config,
    'JWT_KEYS' | 'JWT_KEYS_FILE' | 'JWT_KEYS_SECRET' | 'GOOGLE_API_EMULATOR_HOST'
  >,
): KeySetSource {
  switch (config.JWT_KEYS) {
    case 'memory':
      return new MemoryKeySource();
    case 'file':
      return new FileKeySource(path.resolve(config.JWT_KEYS_FILE));
    case 'secret-manager':
      return new SecretManagerKeySource(
        config.JWT_KEYS_SECRET as string,
        undefined,
        config.GOOGLE_API_EMULATOR_HOST,
      );
  }
}
