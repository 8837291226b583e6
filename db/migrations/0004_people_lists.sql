-- SQL indexes for the lists this area pages and searches in SQL (issue: enterprise scale).
-- Users in name order (case-insensitive, id breaks ties): keyset pages and name-prefix
-- search are one index range; e-mail and disabled ride along so a substring search
-- filters on the index without reading the rows it rejects.
CREATE INDEX IF NOT EXISTS `users_by_name` ON `users` (`display_name` COLLATE NOCASE, `id`, `email`, `disabled`);--> statement-breakpoint
-- Groups in name order: keyset pages and name-prefix search.
CREATE INDEX IF NOT EXISTS `groups_by_name` ON `groups` (`name` COLLATE NOCASE, `id`);--> statement-breakpoint
-- A group's members, most recently added first: a page of members reads only its rows.
CREATE INDEX IF NOT EXISTS `group_members_by_added` ON `group_members` (`group_id`, `added_at`, `user_id`);
