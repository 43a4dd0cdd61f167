/**
 * A file as the repository knows it: relative to the session's working folder when it lies
 * inside it (an absolute path means nothing on a teammate's machine, and costs bytes).
 */
export function relativeTo(workingDir: string | null, file: string): string {
  if (!workingDir) return file;
  const folder = workingDir.endsWith('/') ? workingDir : `${workingDir}/`;
  return file.startsWith(folder) && file.length > folder.length ? file.slice(folder.length) : file;
}
