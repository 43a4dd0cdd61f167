import { z } from 'zod';
import { type Phase, phaseSchema } from './phases.ts';

export const planColumns = [
  'project_id',
  'version',
  'markdown',
  'phases',
  'created_by',
  'created_at',
] as const;

export const planSchema = z.object({
  projectId: z.uuid(),
  version: z.number().int(),
  markdown: z.string(),
  phases: z
    .array(phaseSchema)
    .describe('From the "## " headings, with the checkbox goals under each.'),
  createdBy: z.uuid().nullable(),
  createdAt: z.iso.datetime(),
});

type PlanRow = {
  project_id: string;
  version: number;
  markdown: string;
  phases: unknown;
  created_by: string | null;
  created_at: Date;
};

export const toPlanView = (p: PlanRow) => ({
  projectId: p.project_id,
  version: p.version,
  markdown: p.markdown,
  phases: p.phases as Phase[],
  createdBy: p.created_by,
  createdAt: p.created_at.toISOString(),
});
