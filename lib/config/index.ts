import 'server-only';
import { readConfig, type Config } from './read';

let cached: Config | undefined;

/** Configuration, read from the environment once and validated; a bad value stops the server. */
export function config(): Config {
  cached ??= readConfig(process.env);
  return cached;
}

export type { Config };
