CREATE TABLE `group_members` (
	`group_id` text NOT NULL,
	`user_id` text NOT NULL,
	`added_at` integer NOT NULL,
	PRIMARY KEY(`group_id`, `user_id`),
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `group_members_user` ON `group_members` (`user_id`);--> statement-breakpoint
CREATE TABLE `groups` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `groups_name_nocase` ON `groups` (`tenant_id`,lower("name"));--> statement-breakpoint
CREATE TABLE `session_mfa` (
	`session_id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`verified_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `session_mfa_user` ON `session_mfa` (`user_id`);--> statement-breakpoint
CREATE TABLE `tenants` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`root_resource_id` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`email` text NOT NULL,
	`display_name` text NOT NULL,
	`password_hash` text NOT NULL,
	`disabled` integer DEFAULT false NOT NULL,
	`must_change_password` integer DEFAULT false NOT NULL,
	`must_enrol_mfa` integer DEFAULT false NOT NULL,
	`totp_secret_enc` text,
	`totp_enrolled_at` integer,
	`totp_last_step` integer,
	`failed_sign_ins` integer DEFAULT 0 NOT NULL,
	`locked_until` integer,
	`is_pim_admin` integer DEFAULT false NOT NULL,
	`is_demo` integer DEFAULT false NOT NULL,
	`session_version` integer DEFAULT 1 NOT NULL,
	`last_sign_in_at` integer,
	`created_at` integer NOT NULL,
	`created_by` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_nocase` ON `users` (lower("email"));--> statement-breakpoint
CREATE INDEX `users_tenant` ON `users` (`tenant_id`);--> statement-breakpoint
CREATE TABLE `resources` (
	`id` text PRIMARY KEY NOT NULL,
	`arm_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`kind` text NOT NULL,
	`type` text NOT NULL,
	`name` text NOT NULL,
	`display_name` text NOT NULL,
	`parent_id` text,
	`managed` integer DEFAULT false NOT NULL,
	`managed_at` integer,
	`managed_by` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`managed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `resources_parent` ON `resources` (`parent_id`);--> statement-breakpoint
CREATE INDEX `resources_tenant_kind` ON `resources` (`tenant_id`,`kind`);--> statement-breakpoint
CREATE TABLE `role_definitions` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`role_type` text NOT NULL,
	`permissions` text DEFAULT '[]' NOT NULL,
	`assignable_scopes` text DEFAULT '["/"]' NOT NULL,
	`privileged` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `role_definitions_name` ON `role_definitions` (`tenant_id`,`name`);--> statement-breakpoint
CREATE TABLE `role_setting_approvers` (
	`settings_id` text NOT NULL,
	`principal_type` text NOT NULL,
	`principal_id` text NOT NULL,
	PRIMARY KEY(`settings_id`, `principal_type`, `principal_id`),
	FOREIGN KEY (`settings_id`) REFERENCES `role_settings`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `role_setting_approvers_principal` ON `role_setting_approvers` (`principal_id`);--> statement-breakpoint
CREATE TABLE `role_settings` (
	`id` text PRIMARY KEY NOT NULL,
	`scope_id` text NOT NULL,
	`role_id` text NOT NULL,
	`activation_max_minutes` integer NOT NULL,
	`activation_require_mfa` integer NOT NULL,
	`activation_require_justification` integer NOT NULL,
	`activation_require_ticket` integer NOT NULL,
	`approval_required` integer NOT NULL,
	`approval_timeout_minutes` integer NOT NULL,
	`approver_justification_required` integer NOT NULL,
	`eligible_permanent_allowed` integer NOT NULL,
	`eligible_max_days` integer NOT NULL,
	`active_permanent_allowed` integer NOT NULL,
	`active_max_days` integer NOT NULL,
	`active_require_mfa` integer NOT NULL,
	`active_require_justification` integer NOT NULL,
	`notifications` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text,
	FOREIGN KEY (`scope_id`) REFERENCES `resources`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`role_id`) REFERENCES `role_definitions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `role_settings_scope_role` ON `role_settings` (`scope_id`,`role_id`);--> statement-breakpoint
CREATE INDEX `role_settings_role` ON `role_settings` (`role_id`);--> statement-breakpoint
CREATE TABLE `assignment_schedules` (
	`id` text PRIMARY KEY NOT NULL,
	`principal_type` text NOT NULL,
	`principal_id` text NOT NULL,
	`role_id` text NOT NULL,
	`scope_id` text NOT NULL,
	`start_at` integer NOT NULL,
	`end_at` integer,
	`created_at` integer NOT NULL,
	`created_by` text,
	`request_id` text,
	`updated_at` integer NOT NULL,
	`revoked_at` integer,
	`revoked_by` text,
	`origin` text NOT NULL,
	`linked_eligibility_id` text,
	FOREIGN KEY (`role_id`) REFERENCES `role_definitions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`scope_id`) REFERENCES `resources`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`revoked_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`linked_eligibility_id`) REFERENCES `eligibility_schedules`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `assignment_principal` ON `assignment_schedules` (`principal_id`);--> statement-breakpoint
CREATE INDEX `assignment_scope` ON `assignment_schedules` (`scope_id`);--> statement-breakpoint
CREATE INDEX `assignment_role` ON `assignment_schedules` (`role_id`);--> statement-breakpoint
CREATE INDEX `assignment_linked` ON `assignment_schedules` (`linked_eligibility_id`);--> statement-breakpoint
CREATE TABLE `eligibility_schedules` (
	`id` text PRIMARY KEY NOT NULL,
	`principal_type` text NOT NULL,
	`principal_id` text NOT NULL,
	`role_id` text NOT NULL,
	`scope_id` text NOT NULL,
	`start_at` integer NOT NULL,
	`end_at` integer,
	`created_at` integer NOT NULL,
	`created_by` text,
	`request_id` text,
	`updated_at` integer NOT NULL,
	`revoked_at` integer,
	`revoked_by` text,
	FOREIGN KEY (`role_id`) REFERENCES `role_definitions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`scope_id`) REFERENCES `resources`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`revoked_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `eligibility_principal` ON `eligibility_schedules` (`principal_id`);--> statement-breakpoint
CREATE INDEX `eligibility_scope` ON `eligibility_schedules` (`scope_id`);--> statement-breakpoint
CREATE INDEX `eligibility_role` ON `eligibility_schedules` (`role_id`);--> statement-breakpoint
CREATE TABLE `approval_decisions` (
	`id` text PRIMARY KEY NOT NULL,
	`request_id` text NOT NULL,
	`approver_id` text NOT NULL,
	`decision` text NOT NULL,
	`justification` text,
	`decided_at` integer NOT NULL,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`approver_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `approval_decisions_request` ON `approval_decisions` (`request_id`);--> statement-breakpoint
CREATE INDEX `approval_decisions_approver` ON `approval_decisions` (`approver_id`,`decided_at`);--> statement-breakpoint
CREATE TABLE `request_approvers` (
	`request_id` text NOT NULL,
	`principal_type` text NOT NULL,
	`principal_id` text NOT NULL,
	PRIMARY KEY(`request_id`, `principal_type`, `principal_id`),
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `request_approvers_principal` ON `request_approvers` (`principal_id`);--> statement-breakpoint
CREATE TABLE `requests` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`request_type` text NOT NULL,
	`status` text NOT NULL,
	`requester_id` text NOT NULL,
	`principal_type` text NOT NULL,
	`principal_id` text NOT NULL,
	`role_id` text NOT NULL,
	`scope_id` text NOT NULL,
	`justification` text,
	`ticket_number` text,
	`ticket_system` text,
	`start_at` integer NOT NULL,
	`end_at` integer,
	`duration_minutes` integer,
	`mfa_verified_at` integer,
	`approval_required` integer DEFAULT false NOT NULL,
	`approval_deadline` integer,
	`settings_snapshot` text,
	`linked_eligibility_id` text,
	`target_schedule_id` text,
	`created_at` integer NOT NULL,
	`completed_at` integer,
	`canceled_at` integer,
	`canceled_by` text,
	`failure_reason` text,
	`batch_id` text,
	`channel` text DEFAULT 'portal' NOT NULL,
	FOREIGN KEY (`requester_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`role_id`) REFERENCES `role_definitions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`scope_id`) REFERENCES `resources`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`canceled_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `requests_status` ON `requests` (`status`,`approval_deadline`);--> statement-breakpoint
CREATE INDEX `requests_requester` ON `requests` (`requester_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `requests_principal` ON `requests` (`principal_id`,`role_id`,`scope_id`);--> statement-breakpoint
CREATE INDEX `requests_scope` ON `requests` (`scope_id`);--> statement-breakpoint
CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	`mfa_verified_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_hash` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `api_tokens_user` ON `api_tokens` (`user_id`);--> statement-breakpoint
CREATE TABLE `audit_events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`at` integer NOT NULL,
	`actor_id` text,
	`actor_name` text NOT NULL,
	`action` text NOT NULL,
	`outcome` text NOT NULL,
	`principal_type` text,
	`principal_id` text,
	`principal_name` text,
	`role_id` text,
	`role_name` text,
	`scope_id` text,
	`request_id` text,
	`justification` text,
	`details` text DEFAULT '{}' NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audit_events_id` ON `audit_events` (`id`);--> statement-breakpoint
CREATE INDEX `audit_at` ON `audit_events` (`at`);--> statement-breakpoint
CREATE INDEX `audit_scope` ON `audit_events` (`scope_id`);--> statement-breakpoint
CREATE INDEX `audit_actor` ON `audit_events` (`actor_id`);--> statement-breakpoint
CREATE INDEX `audit_principal` ON `audit_events` (`principal_id`);--> statement-breakpoint
CREATE TABLE `email_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`to` text NOT NULL,
	`subject` text NOT NULL,
	`text` text NOT NULL,
	`html` text,
	`link` text,
	`request_id` text,
	`status` text NOT NULL,
	`error` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE INDEX `email_outbox_status` ON `email_outbox` (`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`body` text DEFAULT '' NOT NULL,
	`link` text,
	`request_id` text,
	`created_at` integer NOT NULL,
	`read_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `notifications_user` ON `notifications` (`user_id`,`read_at`,`created_at`);--> statement-breakpoint
CREATE TABLE `tenant_revision` (
	`id` integer PRIMARY KEY NOT NULL,
	`revision` integer NOT NULL
);
