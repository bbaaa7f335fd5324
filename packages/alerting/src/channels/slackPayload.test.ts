import { describe, expect, it } from 'vitest';
import { slackPayload } from './slackPayload.ts';
import { makeNotification, makeNotifiedAlert } from './testing/makeNotification.ts';

describe('slackPayload', () => {
  it('builds a header, a section with fields, a context, the symptoms and a button to the view, with a text fallback', () => {
    const p = slackPayload(makeNotification());
    expect(p.text).toContain('[P1] P02 · MES silent at P02');
    expect(p.blocks.map((b) => b.type)).toEqual([
      'header',
      'context',
      'divider',
      'section',
      'context',
      'section',
      'actions',
    ]);
    expect(p.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '[P1] P02 · MES silent at P02 (+1 symptom)', emoji: false },
    });
    const section = p.blocks[3] as { text: { text: string }; fields: { text: string }[] };
    expect(section.text.text).toContain('*[P1] MES silent at P02*');
    expect(section.fields).toContainEqual({ type: 'mrkdwn', text: '*Plant*\nP02' });
    expect(JSON.stringify(p.blocks[4])).toContain('`PO-4711-0001`');
    expect(JSON.stringify(p.blocks[5])).toContain('Production confirmations missing at P02');
    expect(p.blocks[6]).toMatchObject({
      type: 'actions',
      elements: [
        { type: 'button', url: 'https://linewatch.plant.example/alerts?plant=P02', style: 'danger' },
      ],
    });
  });

  it('escapes &, < and > in outside text so a key cannot mention @channel or fake a link', () => {
    const alert = makeNotifiedAlert({ examples: ['<script>alert(1)</script>'], summary: '<!channel> A & B' });
    const json = JSON.stringify(slackPayload(makeNotification({ alerts: [{ ...alert, symptoms: [] }] })));
    expect(json).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(json).toContain('&lt;!channel&gt; A &amp; B');
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<script>');
  });

  it('stays within the 50 blocks Slack allows for a large group', () => {
    const alerts = Array.from({ length: 30 }, (_, i) => ({
      ...makeNotifiedAlert({ id: `a${i}` }),
      symptoms: Array.from({ length: 30 }, (_, j) => makeNotifiedAlert({ id: `s${i}-${j}` })),
    }));
    const p = slackPayload(makeNotification({ alerts }));
    expect(p.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(p.blocks)).toContain('and 20 more alerts');
  });
});
