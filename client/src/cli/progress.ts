/**
 * Progress on stderr: a bar redrawn in place on a terminal, a line per step otherwise (a
 * log, a hook), so output that is read later stays readable.
 */
export function progress(total: number, stream: NodeJS.WriteStream = process.stderr) {
  const tty = stream.isTTY === true;
  let done = 0;
  const bar = (label: string) => {
    const width = 24;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${label}`;
  };
  return {
    step(label: string) {
      if (tty) stream.write(`\r\x1b[2K${bar(label).slice(0, (stream.columns ?? 100) - 1)}`);
      else stream.write(`${bar(label)}\n`);
    },
    advance(label: string) {
      done++;
      this.step(label);
    },
    /** A line of its own, above the bar. */
    say(line: string) {
      if (tty) stream.write(`\r\x1b[2K${line}\n`);
      else stream.write(`${line}\n`);
    },
    end() {
      if (tty) stream.write('\n');
    },
  };
}
