import { describe, expect, it } from 'vitest';
import { signatureMatches } from '../src/signature.ts';

// GitHub's documented test vector:
// https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
const SECRET = "It's a Secret to Everybody";
const BODY = Buffer.from('Hello, World!');
const SIGNATURE = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

describe('X-Hub-Signature-256', () => {
  it('accepts GitHub’s test vector', () => {
    expect(signatureMatches(SIGNATURE, BODY, [SECRET])).toBe(true);
  });
  it('accepts it under the previous secret during a rotation', () => {
    expect(signatureMatches(SIGNATURE, BODY, ['whsec_new', SECRET])).toBe(true);
  });
  it('refuses a tampered body, a wrong secret, a missing or malformed header', () => {
    expect(signatureMatches(SIGNATURE, Buffer.from('Hello, World?'), [SECRET])).toBe(false);
    expect(signatureMatches(SIGNATURE, BODY, ["It's a secret to everybody"])).toBe(false);
    expect(signatureMatches(undefined, BODY, [SECRET])).toBe(false);
    expect(signatureMatches(SIGNATURE.replace('sha256=', 'sha1='), BODY, [SECRET])).toBe(false);
    expect(signatureMatches(SIGNATURE.slice(0, -2), BODY, [SECRET])).toBe(false);
    expect(signatureMatches(`${SIGNATURE}00`, BODY, [SECRET])).toBe(false);
    expect(signatureMatches(SIGNATURE, BODY, [])).toBe(false);
  });
});
