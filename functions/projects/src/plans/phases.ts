import { z } from 'zod';
import { parseTaskListMarkdown } from '../task-lists/markdown.ts';

export const phaseSchema = z.object({
  title: z.string(),
  number: z.string().nullable(),
  goals: z.array(z.object({ title: z.string(), checked: z.boolean() })),
});
export type Phase = z.infer<typeof phaseSchema>;

/** Phases are the level-2 sections; their goals are the checkboxes until the next phase. */
export function phasesOf(markdown: string): Phase[] {
  const parsed = parseTaskListMarkdown(markdown);
  const phases: (Phase & { key: number })[] = [];
  const phaseOfSection = new Map<number, number>();
  for (const section of parsed.sections) {
    if (section.level === 2)
      phases.push({ key: section.key, title: section.title, number: section.number, goals: [] });
    if (section.level >= 2 && phases.length > 0) phaseOfSection.set(section.key, phases.length - 1);
  }
  for (const task of parsed.tasks) {
    const phase = task.sectionKey === null ? undefined : phaseOfSection.get(task.sectionKey);
    if (phase !== undefined)
      phases[phase]?.goals.push({ title: task.title, checked: task.checked });
  }
  return phases.map(({ key: _, ...phase }) => phase);
}
