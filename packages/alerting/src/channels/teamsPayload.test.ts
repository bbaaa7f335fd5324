import { describe, expect, it } from 'vitest';
import { teamsPayload } from './teamsPayload.ts';
import { makeNotification, makeNotifiedAlert } from './testing/makeNotification.ts';

describe('teamsPayload', () => {
  it('wraps one Adaptive Card 1.4 in a message with an Action.OpenUrl to the view', () => {
    const p = teamsPayload(makeNotification());
    expect(p.type).toBe('message');
    expect(p.attachments).toHaveLength(1);
    const card = p.attachments[0]!;
    expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.content).toMatchObject({
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      type: 'AdaptiveCard',
      version: '1.4',
      actions: [
        {
          type: 'Action.OpenUrl',
          title: 'Open in Linewatch',
          url: 'https://linewatch.plant.example/alerts?plant=P02',
        },
      ],
    });
    const json = JSON.stringify(card.content.body);
    for (const part of [
      'P1 · Firing',
      'MES silent at P02',
      '"title":"Plant","value":"P02"',
      'Examples',
      'Symptoms (1)',
    ])
      expect(json).toContain(part);
    expect(card.content.body[0]).toMatchObject({ type: 'Container', style: 'attention' });
  });

  it('escapes markdown in outside text so a business key cannot become a link', () => {
    const alert = makeNotifiedAlert({ examples: ['[click](https://evil.example)'] });
    const json = JSON.stringify(teamsPayload(makeNotification({ alerts: [{ ...alert, symptoms: [] }] })));
    expect(json).not.toContain('[click](https://evil.example)');
    expect(json).toContain('\\\\[click\\\\](https://evil.example)');
  });
});
