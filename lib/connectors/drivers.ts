import type { Connector } from '@/db/schema';
import { createPostgresDriver } from './postgresql';
import type { TargetDriver } from './types';

/**
 * Target types Elevate can drive. A new target (Azure RBAC through ARM role assignments,
 * Kubernetes RBAC, Linux groups) is one file implementing TargetDriver and one case here.
 */
export function makeDriver(c: Connector, secret: string): TargetDriver {
  switch (c.type) {
    case 'postgresql':
      return createPostgresDriver({ connectionString: secret });
    default:
      throw new Error(`Connector ${c.id} of type ${c.type} has no target driver.`);
  }
}
