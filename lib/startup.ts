import { readConfig, ConfigError } from '@/lib/config/read';
import { getDb } from '@/db';
import { startJobs } from '@/lib/jobs';

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
  getDb();
  startJobs();
}
