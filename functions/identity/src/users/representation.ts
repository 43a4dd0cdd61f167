import { z } from 'zod';

export const emailSchema = z
  .email()
  .max(320)
  .transform((email) => email.trim().toLowerCase())
  .describe('Email address; compared case-insensitively.');

export const userSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  status: z.enum(['invited', 'active', 'deactivated']),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type UserView = z.infer<typeof userSchema>;

export const userColumns = ['id', 'email', 'name', 'status', 'created_at', 'updated_at'] as const;

export function toUserView(row: {
  id: string;
  email: string;
  name: string;
  status: UserView['status'];
  created_at: Date;
  updated_at: Date;
}): UserView {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
