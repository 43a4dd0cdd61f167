// `npm run keys:rotate`: add a new JWT signing key. The previous key keeps verifying until
// the tokens it signed have expired. Uses the same JWT_KEYS settings as the server
// (production: JWT_KEYS=secret-manager JWT_KEYS_SECRET=projects/P/secrets/S).
import { AccessTokens, configSchema, keySourceFor } from '@devctx/shared';

const config = configSchema
  .pick({
    JWT_KEYS: true,
    JWT_KEYS_FILE: true,
    JWT_KEYS_SECRET: true,
    JWT_ISSUER: true,
    JWT_AUDIENCE: true,
    ACCESS_TOKEN_TTL_SECONDS: true,
    GOOGLE_API_EMULATOR_HOST: true,
  })
  .parse(process.env);
const source = keySourceFor(config);
const tokens = new AccessTokens(source, {
  issuer: config.JWT_ISSUER,
  audience: config.JWT_AUDIENCE,
  accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
});
const kid = await tokens.rotate();
console.log(
  `New signing key ${kid} in ${source.name}; keys now: ${(await tokens.jwks()).keys.map((k) => k.kid).join(', ')}`,
);
