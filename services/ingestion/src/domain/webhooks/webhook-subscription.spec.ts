import {
  eventPatternProblems,
  isPrivateHost,
  normalizeEventPatterns,
  selectsEventType,
  statusOfFailureCode,
  WEBHOOK_EVENT_FAMILIES,
  WEBHOOK_EVENT_TYPES,
  webhookEventBody,
  webhookUrlProblem,
} from './webhook-subscription';

describe('webhook event types', () => {
  it('offers ticket, customer, reply outcome and feedback events, not inbound messages', () => {
    expect(WEBHOOK_EVENT_TYPES).toEqual(
      expect.arrayContaining([
        'ticket.created',
        'ticket.resolved',
        'ticket.sla-breached',
        'customer.merged',
        'message.delivered',
        'message.delivery-failed',
        'survey.completed',
        'complaint.received',
        'follow-up.requested',
      ]),
    );
    expect(WEBHOOK_EVENT_TYPES).not.toContain('message.received');
    expect(WEBHOOK_EVENT_TYPES).not.toContain('reply.requested');
    expect(WEBHOOK_EVENT_TYPES).not.toContain('api-key.issued');
    expect([...WEBHOOK_EVENT_FAMILIES].sort()).toEqual(['complaint', 'customer', 'follow-up', 'message', 'survey', 'ticket']);
  });

  it('selects by exact type, by family and by "*"', () => {
    expect(selectsEventType(['ticket.resolved'], 'ticket.resolved')).toBe(true);
    expect(selectsEventType(['ticket.resolved'], 'ticket.reopened')).toBe(false);
    expect(selectsEventType(['ticket.*'], 'ticket.reopened')).toBe(true);
    expect(selectsEventType(['customer.*'], 'ticket.reopened')).toBe(false);
    expect(selectsEventType(['*'], 'follow-up.requested')).toBe(true);
    expect(selectsEventType(['*'], 'message.received')).toBe(false);
    expect(selectsEventType(['message.*'], 'message.received')).toBe(false);
  });

  it('names each unknown pattern by its position', () => {
    expect(eventPatternProblems(['ticket.*', 'message.delivered'])).toEqual([]);
    expect(eventPatternProblems([])).toEqual([{ field: 'eventTypes', message: expect.any(String) }]);
    expect(eventPatternProblems(['ticket.*', 'ticket.exploded', 'message.received', 'reply.*']).map((p) => p.field)).toEqual([
      'eventTypes.1',
      'eventTypes.2',
      'eventTypes.3',
    ]);
  });

  it('stores patterns sorted without repeats', () => {
    expect(normalizeEventPatterns(['ticket.resolved', 'customer.*', 'ticket.resolved'])).toEqual(['customer.*', 'ticket.resolved']);
  });
});

describe('webhook URLs', () => {
  const publicOnly = { allowPrivateHosts: false };

  it('accepts http(s) URLs with ports, paths and queries', () => {
    expect(webhookUrlProblem('https://crm.example.com/hooks/helpdesk?src=1', publicOnly)).toBeNull();
    expect(webhookUrlProblem('http://crm.example.com:8080/in', publicOnly)).toBeNull();
  });

  it('refuses other schemes, credentials, fragments, garbage and over-long URLs', () => {
    expect(webhookUrlProblem('ftp://crm.example.com/in', publicOnly)).toMatch(/http/);
    expect(webhookUrlProblem('https://user:pw@crm.example.com/in', publicOnly)).toMatch(/credentials/);
    expect(webhookUrlProblem('https://crm.example.com/in#x', publicOnly)).toMatch(/fragment/);
    expect(webhookUrlProblem('not a url', publicOnly)).toMatch(/URL/);
    expect(webhookUrlProblem(`https://crm.example.com/${'a'.repeat(2000)}`, publicOnly)).toMatch(/2000/);
  });

  it('refuses loopback and private addresses unless allowed', () => {
    for (const url of [
      'http://127.0.0.1:4000/hook',
      'http://localhost/hook',
      'http://10.1.2.3/hook',
      'http://172.20.0.5/hook',
      'http://192.168.1.1/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/hook',
      'http://[fd00::5]/hook',
      'http://[fe80::1]/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://2130706433/hook',
    ])
      expect([url, webhookUrlProblem(url, publicOnly)]).toEqual([url, expect.stringMatching(/private/)]);
    expect(webhookUrlProblem('http://127.0.0.1:4000/hook', { allowPrivateHosts: true })).toBeNull();
  });

  it('does not mistake public hosts for private ones', () => {
    expect(isPrivateHost('172.32.0.1')).toBe(false);
    expect(isPrivateHost('11.0.0.1')).toBe(false);
    expect(isPrivateHost('fc.example.com')).toBe(false);
    expect(isPrivateHost('[2001:db8::1]')).toBe(false);
  });
});

describe('webhook bodies', () => {
  it('wrap the event payload as data under the event id, type, time and tenant', () => {
    expect(
      webhookEventBody({
        eventId: 'e-1',
        eventType: 'ticket.assigned',
        occurredAt: '2026-11-23T08:00:00.000Z',
        tenantId: 't-1',
        payload: { ticketId: 'x', agentId: 'agent-li' },
      }),
    ).toEqual({
      id: 'e-1',
      type: 'ticket.assigned',
      occurredAt: '2026-11-23T08:00:00.000Z',
      tenantId: 't-1',
      data: { ticketId: 'x', agentId: 'agent-li' },
    });
  });

  it('read the HTTP status from a failure code', () => {
    expect(statusOfFailureCode('http-503')).toBe(503);
    expect(statusOfFailureCode('timeout')).toBeNull();
  });
});
