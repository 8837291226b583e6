-- Connectors (ADR 080): targets outside Elevate that grant and revoke on time, and signed
-- webhooks. None of these tables feeds the policy engine, so none writes the change log:
-- the reconciler's own bookkeeping never wakes the reconciler.
CREATE TABLE `connectors` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL CHECK (`type` IN ('postgresql', 'webhook')),
	`display_name` text NOT NULL,
	`source` text NOT NULL CHECK (`source` IN ('file', 'portal')),
	-- JSON of the non-secret options (login rule, terminateSessions, url, events)
	`options` text NOT NULL DEFAULT '{}',
	-- 'env:NAME' (from the file: the secret never enters the database) or null
	`secret_ref` text,
	-- secret typed in the portal, sealed with the encryption key (lib/crypto/seal)
	`secret_sealed` text,
	-- webhooks: 'active' or 'paused' (after failing for the whole retry window)
	`state` text NOT NULL DEFAULT 'active' CHECK (`state` IN ('active', 'paused')),
	`paused_reason` text,
	-- webhooks: the last journal event handed over in order; the next one is the head
	`event_cursor` integer NOT NULL DEFAULT 0,
	`head_attempts` integer NOT NULL DEFAULT 0,
	`head_next_at` integer,
	`head_failing_since` integer,
	-- set when removed: the reconciler revokes what its bindings granted, then deletes the row
	`removed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text REFERENCES `users`(`id`)
);
--> statement-breakpoint
CREATE TABLE `connector_bindings` (
	`id` text PRIMARY KEY NOT NULL,
	`connector_id` text NOT NULL REFERENCES `connectors`(`id`) ON DELETE CASCADE,
	-- canonical (lower-case) resource id; not a foreign key: a binding on a resource that
	-- left the tree grants nothing and says so on its page
	`scope_id` text NOT NULL,
	`mode` text NOT NULL CHECK (`mode` IN ('report', 'enforce')),
	-- JSON {roleId: target}
	`roles` text NOT NULL,
	`source` text NOT NULL CHECK (`source` IN ('file', 'portal')),
	-- set when the binding is removed: the reconciler revokes what it granted, then deletes the row
	`removed_at` integer,
	`last_reconcile_at` integer,
	`last_full_at` integer,
	`last_error` text,
	`failures` integer NOT NULL DEFAULT 0,
	`failing_since` integer,
	`next_attempt_at` integer,
	`next_change_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `connector_bindings_connector` ON `connector_bindings` (`connector_id`);
--> statement-breakpoint
-- What Elevate granted in a target, written *before* the grant ('granting') so a crash
-- between the target's commit and ours leaves a row that marks the grant as Elevate's.
CREATE TABLE `connector_grants` (
	`binding_id` text NOT NULL REFERENCES `connector_bindings`(`id`) ON DELETE CASCADE,
	`target` text NOT NULL,
	`login` text NOT NULL,
	`user_id` text,
	`state` text NOT NULL CHECK (`state` IN ('granting', 'granted', 'revoking')),
	`granted_at` integer,
	`until` integer,
	`last_error` text,
	PRIMARY KEY (`binding_id`, `target`, `login`)
);
--> statement-breakpoint
-- Grants found in a target that Elevate did not make. Open while resolved_at is null.
CREATE TABLE `connector_drift` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`binding_id` text NOT NULL REFERENCES `connector_bindings`(`id`) ON DELETE CASCADE,
	`target` text NOT NULL,
	`login` text NOT NULL,
	`first_seen` integer NOT NULL,
	`last_seen` integer NOT NULL,
	`resolved_at` integer,
	`resolution` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `connector_drift_open` ON `connector_drift` (`binding_id`, `target`, `login`) WHERE `resolved_at` IS NULL;
--> statement-breakpoint
-- One holder per unit of work (a binding, a webhook endpoint) across processes.
CREATE TABLE `connector_leases` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
-- The event journal that webhooks deliver from. `id` is stable: one event per fact
-- (e.g. 'activation.ended:<schedule id>'), so two paths that notice the same end agree.
CREATE TABLE `connector_events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`type` text NOT NULL,
	`at` integer NOT NULL,
	`subject` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `connector_events_id` ON `connector_events` (`id`);
--> statement-breakpoint
CREATE INDEX `connector_events_at` ON `connector_events` (`at`);
--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`connector_id` text NOT NULL REFERENCES `connectors`(`id`) ON DELETE CASCADE,
	`event_seq` integer NOT NULL,
	`event_id` text NOT NULL,
	`event_type` text NOT NULL,
	`attempt` integer NOT NULL,
	`at` integer NOT NULL,
	`status_code` integer,
	`error` text,
	`duration_ms` integer,
	`outcome` text NOT NULL CHECK (`outcome` IN ('delivered', 'failed', 'given-up')),
	`redelivery` integer NOT NULL DEFAULT 0,
	`actor_id` text
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_connector` ON `webhook_deliveries` (`connector_id`, `id`);
--> statement-breakpoint
-- Activations whose natural end the journal has reached (ended ones are found from here on).
CREATE TABLE `connector_watermarks` (
	`name` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `assignment_schedules_end` ON `assignment_schedules` (`end_at`) WHERE `origin` = 'activated';
