import type { Config } from '../config/config.ts';
import { SecretBox } from './secret-box.ts';
import {
  EnvironmentSecretSource,
  SecretManagerSecretSource,
  type SecretSource,
} from './secret-source.ts';

type SecretsConfig = Pick<
  Config,
  | 'SECRETS_DRIVER'
  | 'ENCRYPTION_KEY'
  | 'ENCRYPTION_KEY_SECRET'
  | 'GOOGLE_CLOUD_PROJECT'
  | 'GOOGLE_API_EMULATOR_HOST'
>;

/** The secrets driver the configuration names. */
export function secretSourceFor(config: SecretsConfig): SecretSource {
  return config.SECRETS_DRIVER === 'secret-manager'
    ? new SecretManagerSecretSource(
        config.GOOGLE_CLOUD_PROJECT,
        undefined,
        config.GOOGLE_API_EMULATOR_HOST,
      )
    : new EnvironmentSecretSource();
}

const boxes = new WeakMap<object, Promise<SecretBox>>();

/**
 * The process's SecretBox: its key from ENCRYPTION_KEY (local) or from the Secret Manager
 * secret ENCRYPTION_KEY_SECRET (production), read once, on first use.
 */
export function secretBoxFor(
  config: SecretsConfig,
  source = secretSourceFor(config),
): Promise<SecretBox> {
  let box = boxes.get(config);
  if (!box) {
    box = (async () => {
      const encoded =
        config.ENCRYPTION_KEY ??
        (config.ENCRYPTION_KEY_SECRET
          ? await source.read(config.ENCRYPTION_KEY_SECRET)
          : undefined);
      if (!encoded)
        throw new Error('no encryption key: set ENCRYPTION_KEY or ENCRYPTION_KEY_SECRET');
      return new SecretBox(Buffer.from(encoded.trim(), 'base64'));
    })();
    box.catch(() => boxes.delete(config));
    boxes.set(config, box);
  }
  return box;
}
