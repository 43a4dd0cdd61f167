import { createHash } from 'node:crypto';

/**
 * The form a body is stored and addressed in: Unicode NFC and \n line ends, so the same
 * text typed or exported differently is one body.
 */
export function normaliseContent(content: string): string {
  return content.normalize('NFC').replace(/\r\n?/g, '\n');
}

/** SHA-256 of the normalised content: the body's address within its tenant. */
export function contentHash(content: string): Buffer {
  return createHash('sha256').update(normaliseContent(content), 'utf8').digest();
}

/** SHA-256 hex of text that is already normalised. */
export function sha256Hex(normalised: string): string {
  return createHash('sha256').update(normalised, 'utf8').digest('hex');
}
