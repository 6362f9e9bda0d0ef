/**
 * `WHERE` condition for one row by its primary key `id` ($2), checked to belong to tenant $1.
 *
 * Not `"tenant_id" = $1`: on a table without statistics yet (a fresh install, its first minutes)
 * PostgreSQL costs an index that starts with tenant_id the same as the primary key and takes it,
 * then scans the tenant's rows for the one id — 1,000 buffers a call for a conversation update in the
 * bench, against 3 through the key, and a prepared statement keeps that plan. `IS NOT DISTINCT FROM`
 * matches no index, so the row is found by its key and only then checked (tenant_id is never null).
 * Only for tables whose primary key is `id` alone: with a key of (tenant_id, id) it would hide the key's
 * first column.
 */
export const ROW_OF_TENANT = `"id" = $2 AND "tenant_id" IS NOT DISTINCT FROM $1`;
