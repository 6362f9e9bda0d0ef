/**
 * DDL of the outbox and inbox tables every service keeps in its own schema.
 * Called from each service's first migration so the tables live and evolve with that service.
 */
export function messagingTablesUp(schema: string): string[] {
  return [
    `CREATE TABLE "${schema}"."outbox" (
      "seq" bigserial PRIMARY KEY,
      "id" uuid NOT NULL,
      "tenant_id" varchar(64) NOT NULL,
      "topic" varchar(200) NOT NULL,
      "message_key" varchar(200) NOT NULL,
      "event_type" varchar(100) NOT NULL,
      "envelope" jsonb NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "published_at" timestamptz NULL,
      CONSTRAINT "uq_outbox_id" UNIQUE ("id")
    )`,
    `CREATE INDEX "ix_outbox_unpublished" ON "${schema}"."outbox" ("seq") WHERE "published_at" IS NULL`,
    `CREATE TABLE "${schema}"."inbox" (
      "consumer" varchar(200) NOT NULL,
      "event_id" uuid NOT NULL,
      "tenant_id" varchar(64) NOT NULL,
      "event_type" varchar(100) NOT NULL,
      "processed_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "pk_inbox" PRIMARY KEY ("consumer", "event_id")
    )`,
  ];
}

export function messagingTablesDown(schema: string): string[] {
  return [`DROP TABLE "${schema}"."inbox"`, `DROP TABLE "${schema}"."outbox"`];
}
