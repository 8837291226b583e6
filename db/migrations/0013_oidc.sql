-- Issue 13: single sign-on. An MFA step-up through the provider: asked for at requested_at by
-- one session; the returned ID token's auth_time must be after it.
CREATE TABLE `idp_step_ups` (
  `id` text PRIMARY KEY NOT NULL,
  `session_id` text NOT NULL,
  `user_id` text NOT NULL REFERENCES `users`(`id`) ON DELETE CASCADE,
  `requested_at` integer NOT NULL,
  `return_to` text NOT NULL,
  `completed_at` integer
);
--> statement-breakpoint
CREATE INDEX `idp_step_ups_session` ON `idp_step_ups` (`session_id`);
--> statement-breakpoint
-- A first single sign-on whose e-mail matches an existing local account: the link waits for
-- the person to prove that account's password once (or for an administrator). Keyed by a
-- hashed one-time token; expires.
CREATE TABLE `oidc_link_requests` (
  `id` text PRIMARY KEY NOT NULL,
  `user_id` text NOT NULL REFERENCES `users`(`id`) ON DELETE CASCADE,
  `oidc_issuer` text NOT NULL,
  `oidc_sub` text NOT NULL,
  `claims` text NOT NULL,
  `created_at` integer NOT NULL,
  `expires_at` integer NOT NULL
);
--> statement-breakpoint
-- Group memberships a single sign-on gave from the groups claim: the next sign-in takes away
-- those the claim no longer names, and never a membership an administrator or SCIM made.
CREATE TABLE `oidc_group_memberships` (
  `user_id` text NOT NULL REFERENCES `users`(`id`) ON DELETE CASCADE,
  `group_id` text NOT NULL REFERENCES `groups`(`id`) ON DELETE CASCADE,
  `added_at` integer NOT NULL,
  PRIMARY KEY (`user_id`, `group_id`)
);
