/**
 * Runs once when the server starts: validates configuration (a bad value stops the
 * server with a message naming the variable), opens the database, applies migrations
 * and seeds the demo tenant on an empty database.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startup } = await import('./lib/startup');
  startup();
}
