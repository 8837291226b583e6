/** Times in notifications and e-mails: the reader's zone is unknown on the server, so say UTC plainly. */
export const fmtUtc = (at: number) => new Date(at).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
