/**
 * Typed errors with a code that maps to an HTTP status and a message a person can act
 * on, so server actions, the API and the audit log say the same thing.
 */
export type ErrorCode =
  | 'Unauthenticated'
  | 'AuthorizationFailed'
  | 'NotFound'
  | 'InvalidRequest'
  | 'PolicyViolation'
  | 'Conflict'
  | 'AlreadyDecided'
  | 'MfaRequired'
  | 'InvalidMfaCode';

const STATUS: Record<ErrorCode, number> = {
  Unauthenticated: 401,
  AuthorizationFailed: 403,
  NotFound: 404,
  InvalidRequest: 400,
  PolicyViolation: 400,
  Conflict: 409,
  AlreadyDecided: 409,
  MfaRequired: 400,
  InvalidMfaCode: 400,
};

export interface FieldErrors {
  [field: string]: string[] | undefined;
}

export class ElevateError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fieldErrors?: FieldErrors;
  readonly details?: unknown;
  constructor(code: ErrorCode, message: string, opts: { fieldErrors?: FieldErrors; details?: unknown } = {}) {
    super(message);
    this.name = 'ElevateError';
    this.code = code;
    this.status = STATUS[code];
    this.fieldErrors = opts.fieldErrors;
    this.details = opts.details;
  }
}

export const isElevateError = (e: unknown): e is ElevateError => e instanceof ElevateError;
