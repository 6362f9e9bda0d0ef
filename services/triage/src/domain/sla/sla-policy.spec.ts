import { thrownSlaCode } from './sla-test-helpers';
import { escalation } from './escalation';
import { DEFAULT_SLA_POLICY, parseSlaPolicy, slaTargetMinutes } from './sla-policy';

describe('default SLA policy', () => {
  it('has the documented first-response targets and measures', () => {
    expect(
      ['P1', 'P2', 'P3', 'P4'].map((p) => slaTargetMinutes(DEFAULT_SLA_POLICY, p as 'P1', 'firstResponse')),
    ).toEqual([30, 120, 480, 1440]);
    expect(DEFAULT_SLA_POLICY.targets.P1.businessHours).toBe(false);
    expect(DEFAULT_SLA_POLICY.targets.P2.businessHours).toBe(false);
    expect(DEFAULT_SLA_POLICY.targets.P3.businessHours).toBe(true);
    expect(DEFAULT_SLA_POLICY.targets.P4.businessHours).toBe(true);
    expect(DEFAULT_SLA_POLICY.warningFraction).toBe(0.8);
  });

  it('round-trips through parseSlaPolicy', () => {
    expect(parseSlaPolicy(JSON.parse(JSON.stringify(DEFAULT_SLA_POLICY)))).toEqual(DEFAULT_SLA_POLICY);
  });
});

describe('parseSlaPolicy', () => {
  const valid = JSON.parse(JSON.stringify(DEFAULT_SLA_POLICY)) as Record<string, unknown>;

  it('defaults the warning fraction', () => {
    const { warningFraction: _ignored, ...withoutFraction } = valid;
    expect(parseSlaPolicy(withoutFraction).warningFraction).toBe(0.8);
  });

  it.each([
    ['not an object', 'policy'],
    ['a fraction of 1', { ...valid, warningFraction: 1 }],
    ['a missing priority', { ...valid, targets: { P1: DEFAULT_SLA_POLICY.targets.P1 } }],
    [
      'an unknown priority',
      { ...valid, targets: { ...DEFAULT_SLA_POLICY.targets, P5: DEFAULT_SLA_POLICY.targets.P1 } },
    ],
    [
      'a zero target',
      {
        ...valid,
        targets: {
          ...DEFAULT_SLA_POLICY.targets,
          P2: { ...DEFAULT_SLA_POLICY.targets.P2, resolutionMinutes: 0 },
        },
      },
    ],
    ['an empty id', { ...valid, id: '' }],
  ])('rejects %s with INVALID_POLICY', (_why, input) => {
    expect(thrownSlaCode(() => parseSlaPolicy(input))).toBe('INVALID_POLICY');
  });
});

describe('escalation', () => {
  it('raises the priority one level and sends the ticket to the supervisor queue', () => {
    expect(escalation('P4')).toMatchObject({
      toPriority: 'P3',
      priorityRaised: true,
      moveToSupervisorQueue: true,
    });
    expect(escalation('P3').toPriority).toBe('P2');
    expect(escalation('P2').toPriority).toBe('P1');
  });

  it('keeps P1 at P1 but still moves it to the supervisor queue', () => {
    expect(escalation('P1')).toMatchObject({
      toPriority: 'P1',
      priorityRaised: false,
      moveToSupervisorQueue: true,
    });
    expect(escalation('P1').reason).toContain('supervisor');
  });
});
