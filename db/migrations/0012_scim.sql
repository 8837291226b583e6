-- Issue 13: SCIM 2.0 bearer tokens, created by a tenant PIM administrator (shown once, stored hashed).
CREATE TABLE `scim_tokens` (
  `id` text PRIMARY KEY NOT NULL,
  `tenant_id` text NOT NULL REFERENCES `tenants`(`id`),
  `name` text NOT NULL,
  `token_hash` text NOT NULL,
  `created_at` integer NOT NULL,
  `created_by` text REFERENCES `users`(`id`) ON DELETE SET NULL,
  `last_used_at` integer,
  `revoked_at` integer,
  `revoked_by` text REFERENCES `users`(`id`) ON DELETE SET NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `scim_tokens_hash` ON `scim_tokens` (`token_hash`);
