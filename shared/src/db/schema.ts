import type { ColumnType, Generated } from 'kysely';

/**
 * Row types of every table, as Kysely sees them. Kept by hand beside the migrations in sql/;
 * the catalogue test checks the database side, typecheck checks the queries against this.
 */
type CreatedAt = ColumnType<Date, never, never>;
type UpdatedAt = ColumnType<Date, never, Date>;

export type TenantTier = 'free' | 'pro' | 'enterprise';
export type TenantStatus = 'active' | 'suspended';
export type UserStatus = 'invited' | 'active' | 'deactivated';

export interface TenantsTable {
  id: Generated<string>;
  slug: string;
  name: string;
  tier: Generated<TenantTier>;
  status: Generated<TenantStatus>;
  created_at: Generated<CreatedAt>;
  updated_at: Generated<UpdatedAt>;
}

export interface UsersTable {
  tenant_id: string;
  id: Generated<string>;
  email: string;
  name: string;
  password_hash: string | null;
  status: Generated<UserStatus>;
  created_at: Generated<CreatedAt>;
  updated_at: Generated<UpdatedAt>;
}

export interface Database {
  tenants: TenantsTable;
  users: UsersTable;
}
