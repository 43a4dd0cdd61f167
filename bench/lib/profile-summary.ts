// Summarises a V8 .cpuprofile (node --cpu-prof): where the process spent its time, by
// package (or this project's folder) and by function, self time only. Used to compare a
// scenario's read path before and after a change: `node bench/lib/profile-summary.ts FILE`.
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** node_modules/<pkg> or the project folder a script lives in; V8's own entries as named. */
function areaOf(frame: ProfileNode['callFrame']): string {
  if (!frame.url) return `(${frame.functionName || 'native'})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url);
  if (pkg) return pkg[1] as string;
  if (frame.url.startsWith('node:')) return frame.url.split('/')[0] as string;
  const own = /\/(functions\/[^/]+|shared|scripts|bench)\/src\/([^/]+)/.exec(frame.url);
  return own ? `${own[1]}/${own[2]}` : frame.url;
}

export async function summarizeProfile(file: string, top = 15) {
  const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    if (!node) return;
    total += dt;
    const area = areaOf(node.callFrame);
    areas.set(area, (areas.get(area) ?? 0) + dt);
    const name = `${node.callFrame.functionName || '(anonymous)'} ${area}:${node.callFrame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + dt);
  });
  const table = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, percent: Math.round((us / total) * 1000) / 10 }));
  return {
    seconds: Math.round(total / 1e5) / 10,
    areas: table(areas),
    functions: table(functions),
  };
}

if (import.meta.main) {
  const summary = await summarizeProfile(process.argv[2] as string, Number(process.argv[3] ?? 15));
  console.log(`${summary.seconds} s sampled`);
  console.table(summary.areas);
  console.table(summary.functions);
}
