import { connect, type Socket } from 'node:net';

/**
 * A minimal keep-alive HTTP/1.1 GET client over raw sockets — what wrk does, in a few
 * lines. The load generator shares the machine's two cores with the server it measures;
 * fetch spends over a millisecond of CPU per request, this a small fraction of that.
 * One request in flight per connection; the body is counted, not parsed.
 */
export class RawHttpConnection {
  readonly #socket: Socket;
  #pending: { resolve: (status: number) => void; reject: (error: Error) => void } | undefined;
  #buffer: Buffer = Buffer.alloc(0);

  constructor(host: string, port: number) {
    this.#socket = connect({ host, port, noDelay: true });
    this.#socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.#socket.on('error', (error) => this.#pending?.reject(error));
  }

  get(path: string, headers: Record<string, string>): Promise<number> {
    const lines = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#socket.write(`GET ${path} HTTP/1.1\r\nhost: bench\r\n${lines}\r\n`);
    });
  }

  close() {
    this.#socket.destroy();
  }

  #onData(chunk: Buffer) {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
    const end = this.#buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.#buffer.subarray(0, end).toString('latin1');
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (this.#buffer.length < end + 4 + length) return;
    this.#buffer = this.#buffer.subarray(end + 4 + length);
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.resolve(Number(head.slice(9, 12)));
  }
}
