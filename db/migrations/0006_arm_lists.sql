-- SQL indexes for the Azure-compatible API lists (lib/arm/list-sql.ts): each list page
-- reads its rows plus one, newest first by (created_at, id), and never a whole table.
-- Three plans, each with its own index (issue: enterprise scale):
--   * by principal (asTarget(), principalId eq, the caller's own rows): one range per principal;
--   * by order (a big part of the tree is in the list): walk (created_at, id) down and
--     keep the rows whose scope is in the list, stopping at page size + 1;
--   * by scope (a small part of the tree): the scopes' path range, then each scope's rows.
-- The time-window, role and principal columns ride along in the schedule indexes, so the
-- rows a page rejects are rejected on the index without reading the table.
CREATE INDEX IF NOT EXISTS `arm_eligibility_created` ON `eligibility_schedules` (`created_at`, `id`, `scope_id`, `start_at`, `end_at`, `revoked_at`, `role_id`, `principal_id`, `principal_type`);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `arm_eligibility_scope` ON `eligibility_schedules` (`scope_id`, `created_at`, `id`, `start_at`, `end_at`, `revoked_at`, `role_id`, `principal_id`, `principal_type`);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `arm_eligibility_principal` ON `eligibility_schedules` (`principal_id`, `created_at`, `id`, `scope_id`, `start_at`, `end_at`, `revoked_at`, `role_id`, `principal_type`);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `arm_assignment_created` ON `assignment_schedules` (`created_at`, `id`, `scope_id`, `start_at`, `end_at`, `revoked_at`, `role_id`, `principal_id`, `principal_type`, `origin`);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `arm_assignment_scope` ON `assignment_schedules` (`scope_id`, `created_at`, `id`, `start_at`, `end_at`, `revoked_at`, `role_id`, `principal_id`, `principal_type`, `origin`);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `arm_assignment_principal` ON `assignment_schedules` (`principal_id`, `created_at`, `id`, `scope_id`, `start_at`, `end_at`, `revoked_at`, `role_id`, `principal_type`, `origin`);--> statement-breakpoint
-- Requests: one list per kind, so kind leads; the requester's own ride requests_requester_keyset (0005).
CREATE INDEX IF NOT EXISTS `arm_requests_created` ON `requests` (`kind`, `created_at`, `id`, `scope_id`, `status`, `approval_deadline`, `request_type`, `role_id`, `principal_id`, `principal_type`, `requester_id`);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `arm_requests_scope` ON `requests` (`scope_id`, `kind`, `created_at`, `id`, `status`, `approval_deadline`, `request_type`, `role_id`, `principal_id`, `principal_type`, `requester_id`);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `arm_requests_principal` ON `requests` (`principal_id`, `kind`, `created_at`, `id`);--> statement-breakpoint
-- Pending requests in list order (asApprover() where nobody is named): the walk stops at
-- page size + 1; what a decision needs rides along.
CREATE INDEX IF NOT EXISTS `arm_requests_pending` ON `requests` (`created_at`, `id`, `kind`, `request_type`, `scope_id`, `requester_id`, `principal_id`, `principal_type`, `approval_deadline`) WHERE `status` = 'PendingApproval';--> statement-breakpoint
-- Resources both ways between id and path without reading the rows: the order plan looks
-- each row's scope up by id, the scope plan walks a path range and joins by id.
CREATE INDEX IF NOT EXISTS `arm_resources_path_id` ON `resources` (`path`, `id`);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `arm_resources_id_path` ON `resources` (`id`, `path`);
