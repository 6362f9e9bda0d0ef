import { chooseQueue, findSupervisorQueue } from './choose-queue';
import type { Queue } from './routing.types';

const general: Queue = { id: 'q-general', name: 'General', skills: [], isDefault: true };
const billing: Queue = { id: 'q-billing', name: 'Billing', skills: ['billing'] };
const billingAndTech: Queue = {
  id: 'q-billing-tech',
  name: 'Billing + tech',
  skills: ['billing', 'technical'],
};
const security: Queue = { id: 'q-security', name: 'Account security', skills: ['security'] };
const vip: Queue = { id: 'q-vip', name: 'VIP', skills: ['vip'], vip: true };
const supervisor: Queue = { id: 'q-sup', name: 'Supervisors', skills: [], supervisor: true };
const all = [general, billingAndTech, billing, security, vip, supervisor];

describe('chooseQueue', () => {
  it('sends VIP and enterprise customers to the VIP queue whatever the category', () => {
    for (const customerTier of ['vip', 'enterprise'] as const) {
      const decision = chooseQueue({ category: 'billing', customerTier }, all);
      expect(decision).toMatchObject({ queueId: 'q-vip', rule: 'vip', requiredSkills: ['vip'] });
      expect(decision.reason).toContain(customerTier);
    }
  });

  it('falls back to category routing for a VIP when no VIP queue exists', () => {
    const decision = chooseQueue({ category: 'security', customerTier: 'vip' }, [general, security]);
    expect(decision).toMatchObject({ queueId: 'q-security', rule: 'category' });
  });

  it('routes a category to the most specialised queue with its skill', () => {
    const decision = chooseQueue({ category: 'billing', customerTier: 'standard' }, all);
    expect(decision).toMatchObject({
      queueId: 'q-billing',
      rule: 'category',
      requiredSkills: ['billing'],
      categorySkill: 'billing',
    });
    expect(decision.reason).toBe('category "billing" needs skill "billing" → queue "Billing"');
  });

  it('maps categories to skills when the tenant configures it', () => {
    const decision = chooseQueue({ category: 'account-stolen', customerTier: 'standard' }, all, {
      categorySkills: { 'account-stolen': 'security' },
    });
    expect(decision).toMatchObject({ queueId: 'q-security', categorySkill: 'security' });
  });

  it('never routes ordinary tickets to the VIP or supervisor queues', () => {
    expect(chooseQueue({ category: 'vip', customerTier: 'standard' }, all).queueId).toBe('q-general');
  });

  it('falls back to the default queue, explaining why', () => {
    const unknown = chooseQueue({ category: 'shipping', customerTier: 'standard' }, all);
    expect(unknown).toMatchObject({ queueId: 'q-general', rule: 'default' });
    expect(unknown.reason).toContain('no queue has skill "shipping"');
    expect(chooseQueue({ category: null, customerTier: 'standard' }, all)).toMatchObject({
      queueId: 'q-general',
      rule: 'default',
    });
    expect(
      chooseQueue({ category: 'constructor', customerTier: 'standard' }, all, { categorySkills: {} }).rule,
    ).toBe('default');
  });

  it('uses a skill-less queue as default when none is flagged, and reports when there is none', () => {
    const open: Queue = { id: 'q-open', name: 'Open', skills: [] };
    expect(chooseQueue({ category: 'shipping', customerTier: 'standard' }, [billing, open]).queueId).toBe(
      'q-open',
    );
    expect(chooseQueue({ category: 'shipping', customerTier: 'standard' }, [billing])).toMatchObject({
      queueId: null,
      rule: 'none',
    });
    expect(chooseQueue({ category: 'billing', customerTier: 'vip' }, [])).toMatchObject({
      queueId: null,
      rule: 'none',
    });
  });
});

describe('findSupervisorQueue', () => {
  it('finds the supervisor queue for escalations, or null', () => {
    expect(findSupervisorQueue(all)?.id).toBe('q-sup');
    expect(findSupervisorQueue([general])).toBeNull();
  });
});
