-- Server-side sessions (ADR 092): one row per sign-in, keyed by the session token's `sid`.
-- A session cookie is accepted only while its row is live, so sign-out, "sign out that
-- device", an administrator and disabling a user end it everywhere at once. Idle timeout
-- and absolute lifetime are derived from last_seen_at and created_at, never written.
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL REFERENCES `users`(`id`) ON DELETE CASCADE,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`ip` text,
	`user_agent` text,
	`ended_at` integer,
	`ended_by` text REFERENCES `users`(`id`) ON DELETE SET NULL,
	`end_reason` text CHECK (`end_reason` IN ('signed-out', 'ended-by-user', 'ended-by-admin', 'user-disabled', 'password-changed', 'password-reset', 'mfa-reset')),
	CHECK ((`ended_at` IS NULL) = (`end_reason` IS NULL))
);
--> statement-breakpoint
CREATE INDEX `sessions_user` ON `sessions` (`user_id`, `ended_at`);
--> statement-breakpoint
-- Sessions signed in before this table existed have no row and are refused (everyone signs
-- in again once); their MFA step-ups mean nothing any more.
DELETE FROM `session_mfa`;
