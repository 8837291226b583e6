-- Issue 13: SCIM 2.0 bearer tokens, created by a tenant PIM administrator (shown once, stored hashed).
CREATE TABLE `scim_tokens` (
  `id` text PRIMARY KEY NOT NULL,
  `tenant_id` text NOT NULL REFERENCES `tenants`(`id`),
  `name` text NOT NULL,
  `token_hash` text NOT NULL,
  -- the first characters, so administrators can tell tokens apart in the list
  `prefix` text NOT NULL DEFAULT '',
  `created_at` integer NOT NULL,
  `created_by` text REFERENCES `users`(`id`) ON DELETE SET NULL,
  `last_used_at` integer,
  `revoked_at` integer,
  `revoked_by` text REFERENCES `users`(`id`) ON DELETE SET NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `scim_tokens_hash` ON `scim_tokens` (`token_hash`);
--> statement-breakpoint
-- Users and groups a provisioning client deleted (ADR 102). The rows stay (requests, schedules
-- and the audit name them) but SCIM no longer sees them: GET answers 404 and lists leave them out.
CREATE TABLE `scim_deletions` (
  `resource_id` text PRIMARY KEY NOT NULL,
  `resource_type` text NOT NULL,
  `deleted_at` integer NOT NULL,
  `token_id` text REFERENCES `scim_tokens`(`id`) ON DELETE SET NULL
);
