/** Refusal codes of a single sign-on that the sign-in page turns into its own words (never text from the query string). */
export const SSO_ERRORS = {
  SsoDisabled: 'This account is disabled. Ask an administrator to enable it.',
  SsoNoEmail: 'The identity provider did not send an e-mail address for you. Ask an administrator.',
  SsoEmailTaken: 'Your e-mail address belongs to an account linked to another sign-in. Ask an administrator.',
  SsoInvalid: "The identity provider's answer was incomplete. Try again or ask an administrator.",
  SsoLinked: 'Your account is linked. Sign in with single sign-on.',
} as const;
