import type { ColumnType } from 'kysely';

/** Timestamps the database sets: never written by the application, updated_at by trigger. */
export type CreatedAt = ColumnType<Date, never, never>;
export type UpdatedAt = ColumnType<Date, never, Date>;
