-- Issue 13: people and groups that come from the organisation's identity provider.
-- Columns shared by single sign-on (OIDC) and provisioning (SCIM); each feature's own tables
-- are in 0012 (SCIM) and 0013 (OIDC).
-- Where a user's identity is managed: 'local' (created in Elevate), 'scim' (provisioned), 'oidc'
-- (created at a first single sign-on). A user with an empty password_hash has no local password.
ALTER TABLE `users` ADD `source` text NOT NULL DEFAULT 'local';
--> statement-breakpoint
-- the provider's subject for this person: the only key a sign-in is matched by (never the e-mail alone)
ALTER TABLE `users` ADD `oidc_issuer` text;
--> statement-breakpoint
ALTER TABLE `users` ADD `oidc_sub` text;
--> statement-breakpoint
CREATE UNIQUE INDEX `users_oidc_subject` ON `users` (`oidc_issuer`, `oidc_sub`) WHERE `oidc_sub` IS NOT NULL;
--> statement-breakpoint
-- SCIM's externalId (the provisioning client's own key) and the attributes Elevate keeps but
-- does not use (name parts, title, …) as the client sent them, JSON
ALTER TABLE `users` ADD `external_id` text;
--> statement-breakpoint
ALTER TABLE `users` ADD `scim_attributes` text;
--> statement-breakpoint
CREATE INDEX `users_external_id` ON `users` (`tenant_id`, `external_id`) WHERE `external_id` IS NOT NULL;
--> statement-breakpoint
-- a break-glass account may still sign in with its password when ELEVATE_PASSWORD_SIGNIN=0
ALTER TABLE `users` ADD `break_glass` integer NOT NULL DEFAULT 0;
--> statement-breakpoint
-- SCIM's meta.version (ETag) and meta.lastModified
ALTER TABLE `users` ADD `version` integer NOT NULL DEFAULT 1;
--> statement-breakpoint
ALTER TABLE `users` ADD `updated_at` integer;
--> statement-breakpoint
ALTER TABLE `groups` ADD `source` text NOT NULL DEFAULT 'local';
--> statement-breakpoint
ALTER TABLE `groups` ADD `external_id` text;
--> statement-breakpoint
CREATE INDEX `groups_external_id` ON `groups` (`tenant_id`, `external_id`) WHERE `external_id` IS NOT NULL;
--> statement-breakpoint
ALTER TABLE `groups` ADD `version` integer NOT NULL DEFAULT 1;
--> statement-breakpoint
ALTER TABLE `groups` ADD `updated_at` integer;
--> statement-breakpoint
-- how activation and approval MFA is satisfied in this tenant: 'totp', 'idp' or 'either'
ALTER TABLE `tenants` ADD `mfa_method` text NOT NULL DEFAULT 'totp';
--> statement-breakpoint
-- how a session's MFA was proven: 'totp', 'enrolment' (the code that finished enrolling) or 'idp'
ALTER TABLE `session_mfa` ADD `method` text NOT NULL DEFAULT 'totp';
--> statement-breakpoint
-- how the session signed in: 'password' or 'oidc'
ALTER TABLE `sessions` ADD `auth_method` text NOT NULL DEFAULT 'password';
