import { describe, expect, it } from 'vitest';
import { settingsFormSchema } from './settings-schema';

const base = {
  scopeId: '/s',
  roleId: 'r',
  activationMaxHours: '1.5',
  approvalTimeoutHours: '24',
  eligibleMaxDays: '365',
  activeMaxDays: '180',
};

describe('settings form', () => {
  it('turns the form into RoleSettings: hours to minutes, checkboxes, approvers, recipients', () => {
    const r = settingsFormSchema.parse({
      ...base,
      approvalRequired: 'on',
      approvers: ['User:u1', 'Group:g1'],
      additionalRecipients: 'a@x.io, b@y.io',
      applyToChildren: 'on',
    });
    expect(r.activationMaxMinutes).toBe(90);
    expect(r.approvalTimeoutMinutes).toBe(1440);
    expect(r.approvalRequired).toBe(true);
    expect(r.activationRequireMfa).toBe(false); // unchecked boxes are absent from the form
    expect(r.applyToChildren).toBe(true);
    expect(r.approvers).toEqual([
      { type: 'User', id: 'u1' },
      { type: 'Group', id: 'g1' },
    ]);
    expect(r.notifications.additionalRecipients).toEqual(['a@x.io', 'b@y.io']);
  });

  it('a single approver arrives as a string; a bad recipient is a field error', () => {
    expect(settingsFormSchema.parse({ ...base, approvers: 'User:u1' }).approvers).toEqual([{ type: 'User', id: 'u1' }]);
    const bad = settingsFormSchema.safeParse({ ...base, additionalRecipients: 'nope' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0].path).toEqual(['additionalRecipients']);
  });
});
