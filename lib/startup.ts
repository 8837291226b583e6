import { readConfig, ConfigError } from '@/lib/config/read';
import { getDb } from '@/db';
import { startJobs } from '@/lib/jobs';
import { policyIndex } from '@/lib/tenant/engine';
import { startConnectors } from '@/lib/connectors/runtime';
import { ConnectorsFileError } from '@/lib/connectors/file';

export function startup() {
  try {
    readConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  // build the policy index before the first request rather than during it
  policyIndex(getDb());
  startJobs();
  try {
    startConnectors();
  } catch (e) {
    if (e instanceof ConnectorsFileError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
}
