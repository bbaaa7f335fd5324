// Worker thread body of the decode pool: decodes OTLP requests and encodes their rows off the main
// thread, so the event loop that answers requests stays responsive under load.
import { parentPort } from 'node:worker_threads';
import { OtlpRequestError } from './errors.ts';
import { BufferPool } from './rowsBuilder.ts';
import { transformOtlp } from './transformOtlp.ts';
import type { DecodeReply, WorkerMessage } from './decodePool.ts';

const port = parentPort;
if (!port) throw new Error('decodeWorker.ts runs only as a worker thread');

// Row buffers the main thread hands back once spooled (see BufferPool).
const buffers = new BufferPool();

port.on('message', (message: WorkerMessage) => {
  if (message.kind === 'recycle') {
    for (const b of message.buffers) buffers.put(b);
    return;
  }
  const job = message;
  let reply: DecodeReply;
  const transfer: ArrayBuffer[] = [];
  try {
    const r = transformOtlp(job.signal, job.encoding, job.body, {
      receivedAtMs: job.receivedAtMs,
      buffers,
      ...(job.restriction ? { restriction: job.restriction } : {}),
    });
    const tables = r.tables.map((t) => {
      // Row buffers own their ArrayBuffer (never Node's shared pool): transferred, not copied.
      transfer.push(t.data.buffer as ArrayBuffer);
      return { table: t.table, data: t.data, rows: t.rows };
    });
    reply = {
      id: job.id,
      ok: true,
      tables,
      rejected: r.rejected,
      accepted: r.accepted,
      bizEvents: r.bizEvents,
      messages: r.messages,
    };
  } catch (e) {
    reply =
      e instanceof OtlpRequestError
        ? { id: job.id, ok: false, kind: 'request', message: e.message }
        : { id: job.id, ok: false, kind: 'internal', message: (e as Error).stack ?? String(e) };
  }
  port.postMessage(reply, transfer);
});
