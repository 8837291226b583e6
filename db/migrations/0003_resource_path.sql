-- resources.path: row ids from the root down, '/12/40/977/', so "every scope under r" is
-- one index range (path > r.path AND path < r.path with its last '/' as '0'), never an id list.
-- Kept by triggers: on insert (and adopting children that arrived before their parent)
-- and when a resource moves to another parent.
ALTER TABLE `resources` ADD `path` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `resources_path` ON `resources` (`path`);--> statement-breakpoint
WITH RECURSIVE t(id, path, depth) AS (
  SELECT id, '/' || rowid || '/', 0 FROM resources
   WHERE parent_id IS NULL OR parent_id NOT IN (SELECT id FROM resources)
  UNION ALL
  SELECT r.id, t.path || r.rowid || '/', t.depth + 1 FROM resources r JOIN t ON r.parent_id = t.id WHERE t.depth < 64
)
UPDATE resources SET path = coalesce((SELECT path FROM t WHERE t.id = resources.id), '/' || rowid || '/');
--> statement-breakpoint
CREATE TRIGGER `resources_path_ins` AFTER INSERT ON `resources`
BEGIN
  UPDATE resources SET path = coalesce((SELECT p.path FROM resources p WHERE p.id = NEW.parent_id AND p.rowid <> NEW.rowid), '/') || NEW.rowid || '/'
   WHERE rowid = NEW.rowid;
END;
--> statement-breakpoint
-- children stored before their parent were roots ('/c/…'): hang their subtrees under it.
-- A trigger of its own, so the (rare) table scan runs only when such children exist;
-- it sets the parent's own path first, since trigger order is not guaranteed.
CREATE TRIGGER `resources_path_adopt` AFTER INSERT ON `resources`
WHEN EXISTS (SELECT 1 FROM resources c WHERE c.parent_id = NEW.id AND c.rowid <> NEW.rowid)
BEGIN
  UPDATE resources SET path = coalesce((SELECT p.path FROM resources p WHERE p.id = NEW.parent_id AND p.rowid <> NEW.rowid), '/') || NEW.rowid || '/'
   WHERE rowid = NEW.rowid;
  UPDATE resources SET path = (SELECT p.path FROM resources p WHERE p.rowid = NEW.rowid) || substr(path, 2)
   WHERE substr(path, 1, instr(substr(path, 2), '/') + 1) IN
         (SELECT '/' || c.rowid || '/' FROM resources c WHERE c.parent_id = NEW.id AND c.rowid <> NEW.rowid);
END;
--> statement-breakpoint
CREATE TRIGGER `resources_path_move` AFTER UPDATE OF parent_id ON `resources`
WHEN NEW.parent_id IS NOT OLD.parent_id
BEGIN
  UPDATE resources
     SET path = coalesce((SELECT p.path FROM resources p WHERE p.id = NEW.parent_id AND p.path NOT LIKE OLD.path || '%'), '/')
                || NEW.rowid || '/' || substr(path, length(OLD.path) + 1)
   WHERE path >= OLD.path AND path < substr(OLD.path, 1, length(OLD.path) - 1) || '0';
END;
