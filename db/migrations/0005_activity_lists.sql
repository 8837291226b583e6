-- SQL indexes for the activity lists (audit, My requests, My roles history, approvals,
-- admin pending, outbox, notifications): each list reads one index range in its display
-- order from the cursor on, so a page costs its rows, not the tenant (issue: enterprise scale).
--
-- Audit: newest first by (at, seq). An index on (x, at) also holds the rowid (= seq), so
-- "x = ? AND (at, seq) < cursor ORDER BY at DESC, seq DESC" is one ordered range.
CREATE INDEX IF NOT EXISTS `audit_actor_at` ON `audit_events` (`actor_id`, `at`);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `audit_principal_at` ON `audit_events` (`principal_id`, `at`);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `audit_scope_at` ON `audit_events` (`scope_id`, `at`);
--> statement-breakpoint
-- also the event-type filter's values: a loose index scan reads one entry per distinct action
CREATE INDEX IF NOT EXISTS `audit_action_at` ON `audit_events` (`action`, `at`);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `audit_role_at` ON `audit_events` (`role_id`, `at`);
--> statement-breakpoint
-- My requests: the requester's own, newest first, ties broken by id
CREATE INDEX IF NOT EXISTS `requests_requester_keyset` ON `requests` (`requester_id`, `created_at`, `id`);
--> statement-breakpoint
-- the live approvals queue and admin pending: only pending rows, in each offered order
-- (the literal status in the queries lets SQLite use these partial indexes)
CREATE INDEX IF NOT EXISTS `requests_pending_created` ON `requests` (`created_at`, `id`) WHERE `status` = 'PendingApproval';
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `requests_pending_deadline` ON `requests` (ifnull(`approval_deadline`, 9007199254740991), `created_at`, `id`) WHERE `status` = 'PendingApproval';
--> statement-breakpoint
-- approvals history: one approver's decisions, newest first
CREATE INDEX IF NOT EXISTS `approval_decisions_approver_keyset` ON `approval_decisions` (`approver_id`, `decided_at`, `id`);
--> statement-breakpoint
-- My roles, Expired tab: one principal's ended schedules
CREATE INDEX IF NOT EXISTS `eligibility_principal_end` ON `eligibility_schedules` (`principal_id`, `end_at`);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `assignment_principal_end` ON `assignment_schedules` (`principal_id`, `end_at`);
--> statement-breakpoint
-- outbox: newest first, all or by status
CREATE INDEX IF NOT EXISTS `email_outbox_created` ON `email_outbox` (`created_at`, `id`);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `email_outbox_status_created` ON `email_outbox` (`status`, `created_at`, `id`);
--> statement-breakpoint
-- the bell: one user's newest notifications
CREATE INDEX IF NOT EXISTS `notifications_user_created` ON `notifications` (`user_id`, `created_at`);
