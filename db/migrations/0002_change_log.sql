-- The change log: every committed write to what the policy engine reads leaves one row
-- per changed entity. Triggers write it, so no service (or CLI, or hand-run SQL) can
-- forget to. A process catches its in-memory index up by refreshing the listed entities
-- from SQL (lib/tenant/engine.ts). The AUTOINCREMENT sequence is the tenant revision.
-- A deleted settings row logs 'id<NUL>scope<NUL>role' because the row is gone by the time
-- a reader refreshes it.
CREATE TABLE `change_log` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`entity` text NOT NULL,
	`entity_id` text NOT NULL,
	`nonce` integer NOT NULL,
	`at` integer NOT NULL
);--> statement-breakpoint
CREATE TRIGGER `cl_resources_ins` AFTER INSERT ON `resources`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('resource', NEW.id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_resources_upd` AFTER UPDATE OF parent_id, kind, display_name, managed ON `resources`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('resource', NEW.id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_resources_del` AFTER DELETE ON `resources`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('resource', OLD.id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_roles_ins` AFTER INSERT ON `role_definitions`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('role', NEW.id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_roles_upd` AFTER UPDATE OF name, privileged ON `role_definitions`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('role', NEW.id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_roles_del` AFTER DELETE ON `role_definitions`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('role', OLD.id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_users_ins` AFTER INSERT ON `users`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('user', NEW.id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_users_upd` AFTER UPDATE OF display_name, is_pim_admin, disabled ON `users`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('user', NEW.id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_users_del` AFTER DELETE ON `users`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('user', OLD.id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_groups_ins` AFTER INSERT ON `groups`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('group', NEW.id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_groups_upd` AFTER UPDATE OF name ON `groups`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('group', NEW.id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_groups_del` AFTER DELETE ON `groups`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('group', OLD.id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_group_members_ins` AFTER INSERT ON `group_members`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('group', NEW.group_id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_group_members_upd` AFTER UPDATE ON `group_members`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('group', NEW.group_id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_group_members_del` AFTER DELETE ON `group_members`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('group', OLD.group_id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_elig_ins` AFTER INSERT ON `eligibility_schedules`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('schedule', NEW.id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_elig_upd` AFTER UPDATE ON `eligibility_schedules`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('schedule', NEW.id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_elig_del` AFTER DELETE ON `eligibility_schedules`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('schedule', OLD.id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_asgn_ins` AFTER INSERT ON `assignment_schedules`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('schedule', NEW.id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_asgn_upd` AFTER UPDATE ON `assignment_schedules`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('schedule', NEW.id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_asgn_del` AFTER DELETE ON `assignment_schedules`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('schedule', OLD.id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_settings_ins` AFTER INSERT ON `role_settings`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('settings', NEW.id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_settings_upd` AFTER UPDATE ON `role_settings`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('settings', NEW.id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_settings_del` AFTER DELETE ON `role_settings`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('settings', OLD.id || char(0) || OLD.scope_id || char(0) || OLD.role_id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_setting_approvers_ins` AFTER INSERT ON `role_setting_approvers`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('settings', NEW.settings_id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_setting_approvers_del` AFTER DELETE ON `role_setting_approvers`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('settings', OLD.settings_id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_requests_ins` AFTER INSERT ON `requests`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('request', NEW.id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_requests_upd` AFTER UPDATE ON `requests`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('request', NEW.id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_requests_del` AFTER DELETE ON `requests`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('request', OLD.id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_request_approvers_ins` AFTER INSERT ON `request_approvers`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('request', NEW.request_id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `cl_request_approvers_del` AFTER DELETE ON `request_approvers`
BEGIN
  INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('request', OLD.request_id, random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
--> statement-breakpoint
INSERT INTO change_log (entity, entity_id, nonce, at) VALUES ('role', '', random(), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
--> statement-breakpoint
DELETE FROM change_log;
