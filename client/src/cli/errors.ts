/**
 * Exit codes (sysexits.h), so scripts and hooks can tell what went wrong without parsing
 * the message.
 */
export const EXIT = {
  ok: 0,
  /** Some of the work failed (an import ended failed); the rest was done. */
  partial: 1,
  usage: 64,
  /** A file is not what it should be (not JSON, not a transcript). */
  data: 65,
  /** The server cannot be reached. */
  unavailable: 69,
  /** Still running when we stopped waiting; ask again later. */
  later: 75,
  /** The key is missing, refused, or lacks a permission. */
  permission: 77,
  /** Something the CLI did not expect: a bug (run again with --verbose). */
  internal: 70,
  /** The CLI's own settings (no server URL, no key). */
  config: 78,
} as const;

/** An error meant for the person at the terminal: one line, and the exit code it means. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}
