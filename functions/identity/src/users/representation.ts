import { hasHiddenCharacters } from '@devctx/shared';
import { z } from 'zod';

export const emailSchema = z
  .email()
  .max(320)
  .transform((email) => email.trim().toLowerCase())
  .describe('Email address; compared case-insensitively.');

/**
 * A person's or a tenant's name: one line of visible text. It is shown to others — in the
 * dashboard, in the mails the product sends — so it may not start a new line there or
 * turn the text around it right to left.
 */
export const nameSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((name) => !hasHiddenCharacters(name), {
    message: 'must be one line of visible text (no control or direction characters)',
  });

export const userSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  status: z.enum(['invited', 'active', 'deactivated']),
  emailVerified: z
    .boolean()
    .describe('Whether the person opened a link mailed to this address (since it was set).'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type UserView = z.infer<typeof userSchema>;

export const userColumns = [
  'id',
  'email',
  'name',
  'status',
  'email_verified_at',
  'created_at',
  'updated_at',
] as const;

export function toUserView(row: {
  id: string;
  email: string;
  name: string;
  status: UserView['status'];
  email_verified_at: Date | null;
  created_at: Date;
  updated_at: Date;
}): UserView {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    status: row.status,
    emailVerified: row.email_verified_at !== null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
