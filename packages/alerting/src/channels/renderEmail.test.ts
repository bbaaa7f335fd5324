import { describe, expect, it } from 'vitest';
import { renderEmail } from './renderEmail.ts';
import { makeNotification, makeNotifiedAlert } from './testing/makeNotification.ts';

const hostile = '<script>alert(1)</script>';

describe('renderEmail', () => {
  it('uses the title as subject and prefixes it with the kind for resolved, repeated and escalated notifications', () => {
    expect(renderEmail(makeNotification()).subject).toBe('[P1] P02 · MES silent at P02 (+1 symptom)');
    expect(renderEmail(makeNotification({ kind: 'resolved' })).subject).toMatch(/^Resolved: \[P1\]/);
    // The planner's resolve titles say so already: not twice.
    expect(
      renderEmail(makeNotification({ kind: 'resolved', title: '[Resolved] P1 P02 · MES silent at P02' }))
        .subject,
    ).toBe('[Resolved] P1 P02 · MES silent at P02');
    expect(renderEmail(makeNotification({ kind: 'repeat' })).subject).toMatch(/^Still firing: /);
    expect(
      renderEmail(makeNotification({ kind: 'escalation', escalation: { step: 2, afterMs: 900_000 } }))
        .subject,
    ).toMatch(/^Escalation step 2 \(unacknowledged 15m\): /);
  });

  it('keeps a line break in the title out of the subject header', () => {
    expect(renderEmail(makeNotification({ title: 'a\r\nBcc: x@evil.example' })).subject).toBe(
      'a Bcc: x@evil.example',
    );
  });

  it('renders one self-contained document with inline styles and no style block', () => {
    const { html } = renderEmail(makeNotification());
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).not.toMatch(/<style|<link |<script|src=/i);
  });

  it('shows the tier as a coloured badge, the reason, summary, description, plant, flow, value, examples, symptoms and links', () => {
    const { html, text } = renderEmail(makeNotification());
    expect(html).toMatch(/background:#b91c1c;[^>]*>P1</);
    for (const part of [
      'MES silent at P02',
      'P1: MES feeds the production flow production_confirmation at P02',
      'Nothing from MES at P02 for 10 minutes.<br>It sent 4120 spans',
      '>production_confirmation<',
      '>612<',
      '>PO-4711-0001<',
      'Symptoms (1)',
      'Production confirmations missing at P02',
      'e.g. PO-4711-0003</span>',
      'href="https://linewatch.plant.example/alerts/alr_mes_silence_p02"',
      'href="https://linewatch.plant.example/transactions?flow=production_confirmation&#38;plant=P02"',
      'href="https://linewatch.plant.example/alerts?plant=P02"',
    ])
      expect(html).toContain(part);
    for (const part of [
      'P1: MES feeds the production flow production_confirmation at P02',
      'Nothing from MES at P02 for 10 minutes.\nIt sent 4120 spans',
      'Plant: P02',
      'Flow: production_confirmation',
      'Value: 612',
      'Examples: PO-4711-0001, PO-4711-0002',
      'Symptoms (1):',
      '  - [P3] Production confirmations missing at P02 (P02 · production_confirmation) https://linewatch.plant.example/transactions?flow=production_confirmation&plant=P02',
      '    e.g. PO-4711-0003',
      'View the transactions: https://linewatch.plant.example/alerts/alr_mes_silence_p02',
      'Open these alerts in Linewatch: https://linewatch.plant.example/alerts?plant=P02',
    ])
      expect(text).toContain(part);
  });

  it('colours a resolved notification green', () => {
    expect(renderEmail(makeNotification({ kind: 'resolved' })).html).toMatch(
      /background:#15803d;[^>]*>P1 resolved</,
    );
  });

  it('shows at most 5 example business keys', () => {
    const examples = ['K1', 'K2', 'K3', 'K4', 'K5', 'K6', 'K7'];
    const { html, text } = renderEmail(
      makeNotification({ alerts: [{ ...makeNotifiedAlert({ examples }), symptoms: [] }] }),
    );
    expect(html).toContain('>K5<');
    expect(html).not.toContain('K6');
    expect(text).toContain('Examples: K1, K2, K3, K4, K5\n');
  });

  it('escapes a business key, labels and annotations that carry markup', () => {
    const alert = makeNotifiedAlert({
      examples: [hostile],
      summary: `<img src=x onerror=alert(1)>`,
      description: `"quoted" & 'single'`,
      plant: hostile,
    });
    const { html, text } = renderEmail(
      makeNotification({
        title: hostile,
        groupLabels: { plant: hostile },
        contact: { id: 'c', name: hostile },
        alerts: [{ ...alert, symptoms: [makeNotifiedAlert({ summary: hostile })] }],
      }),
    );
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain('&#34;quoted&#34; &#38; &#39;single&#39;');
    expect(text).toContain(`Examples: ${hostile}`);
  });

  it('renders a link that is not http(s) as text, never as a href', () => {
    const { html } = renderEmail(
      makeNotification({
        link: 'javascript:alert(1)',
        alerts: [{ ...makeNotifiedAlert({ link: 'data:text/html,x' }), symptoms: [] }],
      }),
    );
    expect(html).not.toMatch(/href="(javascript|data):/);
    expect(html).toContain('javascript:alert(1)');
  });
});
