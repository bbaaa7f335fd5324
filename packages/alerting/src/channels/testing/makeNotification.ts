import type { NotificationMessage, NotifiedAlert } from '../../notify/notification.ts';

/** A firing alert as a notification shows it; `over` replaces fields. */
export function makeNotifiedAlert(over: Partial<NotifiedAlert> = {}): NotifiedAlert {
  return {
    id: 'alr_mes_silence_p02',
    rule: 'mes_silence',
    state: 'firing',
    tier: 'P1',
    tierReason: 'MES feeds the production flow production_confirmation at P02',
    summary: 'MES silent at P02',
    description: 'Nothing from MES at P02 for 10 minutes.\nIt sent 4120 spans in the 24 hours before.',
    plant: 'P02',
    flow: 'production_confirmation',
    node: 'mes',
    value: 612,
    examples: ['PO-4711-0001', 'PO-4711-0002'],
    startsAt: '2026-12-07T06:30:00.000Z',
    firedAt: '2026-12-07T06:35:00.000Z',
    endsAt: null,
    link: 'https://linewatch.plant.example/alerts/alr_mes_silence_p02',
    ...over,
  };
}

/** A firing notification for one cause with one symptom; `over` replaces fields. */
export function makeNotification(over: Partial<NotificationMessage> = {}): NotificationMessage {
  return {
    id: 'ntf_01HZX3M4P02',
    kind: 'firing',
    groupKey: 'root/plant=P02',
    groupLabels: { plant: 'P02' },
    contact: { id: 'shift_p02', name: 'Shift lead P02' },
    tier: 'P1',
    title: '[P1] P02 · MES silent at P02 (+1 symptom)',
    alerts: [
      {
        ...makeNotifiedAlert(),
        symptoms: [
          makeNotifiedAlert({
            id: 'alr_confirmation_missing_p02',
            rule: 'confirmation_missing',
            tier: 'P3',
            tierReason: 'symptom of MES silent at P02',
            summary: 'Production confirmations missing at P02',
            node: null,
            value: 12,
            examples: ['PO-4711-0003'],
            link: 'https://linewatch.plant.example/transactions?flow=production_confirmation&plant=P02',
          }),
        ],
      },
    ],
    link: 'https://linewatch.plant.example/alerts?plant=P02',
    createdAt: '2026-12-07T06:35:30.000Z',
    ...over,
  };
}
