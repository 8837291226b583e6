import { z } from 'zod';
import type { PrincipalRef } from '@/lib/policy';

/** Checkboxes arrive as "on" or not at all. */
const check = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean());
const int = (label: string) => z.coerce.number({ error: `${label} must be a number.` }).int(`${label} must be a whole number.`);
const list = z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(z.string()));

/** The settings form: every setting of DESIGN.md, range-checked again by the engine's validateSettings. */
export const settingsFormSchema = z
  .object({
    scopeId: z.string().min(1),
    roleId: z.string().min(1),
    applyToChildren: check,
    activationMaxHours: z.coerce.number({ error: 'Give hours.' }).positive('Give a positive number of hours.'),
    activationRequireMfa: check,
    activationRequireJustification: check,
    activationRequireTicket: check,
    approvalRequired: check,
    approvers: list,
    approvalTimeoutHours: z.coerce.number({ error: 'Give hours.' }).positive('Give a positive number of hours.'),
    approverJustificationRequired: check,
    approvalRequireMfa: check,
    eligiblePermanentAllowed: check,
    eligibleMaxDays: int('Days'),
    activePermanentAllowed: check,
    activeMaxDays: int('Days'),
    activeRequireMfa: check,
    activeRequireJustification: check,
    adminOnEligibleAssignment: check,
    adminOnActiveAssignment: check,
    adminOnActivation: check,
    requestorOnEligibleAssignment: check,
    requestorOnActiveAssignment: check,
    requestorOnActivation: check,
    approverOnActivation: check,
    additionalRecipients: z.string().optional().default(''),
  })
  .transform((f, ctx) => {
    const recipients = f.additionalRecipients.split(/[\s,;]+/).filter(Boolean);
    for (const r of recipients) {
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(r))
        ctx.addIssue({ code: 'custom', path: ['additionalRecipients'], message: `${r} is not an e-mail address.` });
    }
    const approvers: PrincipalRef[] = f.approvers.map((a) => {
      const [type, ...id] = a.split(':');
      return { type: type === 'Group' ? 'Group' : 'User', id: id.join(':') };
    });
    return {
      scopeId: f.scopeId,
      roleId: f.roleId,
      applyToChildren: f.applyToChildren,
      activationMaxMinutes: Math.round(f.activationMaxHours * 60),
      activationRequireMfa: f.activationRequireMfa,
      activationRequireJustification: f.activationRequireJustification,
      activationRequireTicket: f.activationRequireTicket,
      approvalRequired: f.approvalRequired,
      approvers,
      approvalTimeoutMinutes: Math.round(f.approvalTimeoutHours * 60),
      approverJustificationRequired: f.approverJustificationRequired,
      approvalRequireMfa: f.approvalRequireMfa,
      eligiblePermanentAllowed: f.eligiblePermanentAllowed,
      eligibleMaxDays: f.eligibleMaxDays,
      activePermanentAllowed: f.activePermanentAllowed,
      activeMaxDays: f.activeMaxDays,
      activeRequireMfa: f.activeRequireMfa,
      activeRequireJustification: f.activeRequireJustification,
      notifications: {
        adminOnEligibleAssignment: f.adminOnEligibleAssignment,
        adminOnActiveAssignment: f.adminOnActiveAssignment,
        adminOnActivation: f.adminOnActivation,
        requestorOnEligibleAssignment: f.requestorOnEligibleAssignment,
        requestorOnActiveAssignment: f.requestorOnActiveAssignment,
        requestorOnActivation: f.requestorOnActivation,
        approverOnActivation: f.approverOnActivation,
        additionalRecipients: recipients,
      },
    };
  });
