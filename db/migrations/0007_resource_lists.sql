-- SQL indexes for the lists this area pages and searches in SQL (issue: enterprise scale).
-- One level of the tree in name order (case-insensitive, id breaks ties): a page of a
-- parent's children, however many it has, is one index range from the cursor.
CREATE INDEX IF NOT EXISTS `resources_parent_name` ON `resources` (`parent_id`, `display_name` COLLATE NOCASE, `id`);--> statement-breakpoint
-- Search by name: walked in name order with the id beside each name, so a
-- substring search filters on the index and reads only the rows it shows.
CREATE INDEX IF NOT EXISTS `resources_name` ON `resources` (`display_name` COLLATE NOCASE, `id`);--> statement-breakpoint
-- The few scopes PIM was enabled on: "is an ancestor managed?" compares with these only.
CREATE INDEX IF NOT EXISTS `resources_enabled_path` ON `resources` (`path`) WHERE `managed` = 1;--> statement-breakpoint
-- "Discover resources": management groups and subscriptions not enabled themselves, by name.
CREATE INDEX IF NOT EXISTS `resources_discover` ON `resources` (`display_name` COLLATE NOCASE, `id`) WHERE `kind` IN ('managementGroup', 'subscription') AND `managed` = 0;--> statement-breakpoint
-- The admin home's activity chart: activations and approvals of the last days, two ranges;
-- the scope rides along so "under the scopes I administer" reads no audit row.
CREATE INDEX IF NOT EXISTS `audit_events_action_at` ON `audit_events` (`action`, `at`, `scope_id`);--> statement-breakpoint
-- Assignments below a large scope, newest first: each page walks the newest schedules and
-- keeps those in the subtree, stopping after its rows (lib/assignments/queries.ts names these).
CREATE INDEX IF NOT EXISTS `eligibility_schedules_newest` ON `eligibility_schedules` (`start_at`, `id`);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `assignment_schedules_newest` ON `assignment_schedules` (`start_at`, `id`);
