// bench:signin — the sign-in rate limit under a brute-force loop on loopback, against a real
// `linewatch start` (embedded): one user, a static admin token to create it, then as many password
// guesses as the senders can make, for one user name (credential stuffing against one person) and for
// many names (a spray from one address). Prints how many guesses were checked at all (401), how many
// were refused by the limit (429), and whether the right password still gets in during the lockout.
//
// Options (env): BENCH_ATTEMPTS (per phase, default 2000), BENCH_SENDERS (default 20).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pollUntil, spawnLinewatch, writeTestConfig } from '../../../test/support/linewatchProcess.ts';
import { createToken } from '../src/auth.ts';

const ATTEMPTS = Number(process.env.BENCH_ATTEMPTS ?? 2000);
const SENDERS = Number(process.env.BENCH_SENDERS ?? 20);
const PASSWORD = 'the-right-password-for-marie';

const admin = createToken('bench-admin', ['admin'], []);
const dataDir = mkdtempSync(join(tmpdir(), 'lw-bench-signin-'));
const server = spawnLinewatch([
  'start',
  '--config',
  writeTestConfig(dataDir, { auth: { tokens: [admin.entry] } }),
]);
const base = await server.apiUrl;
await pollUntil(async () => ((await fetch(`${base}/readyz`)).ok ? true : undefined), 90_000, 'readyz');

async function login(username: string, password: string): Promise<number> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  await res.arrayBuffer();
  return res.status;
}

async function phase(name: string, usernameOf: (i: number) => string): Promise<void> {
  const statuses = new Map<number, number>();
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (next < ATTEMPTS) {
        const i = next++;
        const s = await login(usernameOf(i), `guess-${i}`);
        statuses.set(s, (statuses.get(s) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const rightPassword = await login('marie', PASSWORD);
  console.log(`  ${name}`);
  console.log(
    `    ${ATTEMPTS} guesses in ${seconds.toFixed(1)} s (${Math.round(ATTEMPTS / seconds)}/s): ${[...statuses]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${n} × ${s}`)
      .join(', ')}`,
  );
  console.log(
    `    password checks made: ${statuses.get(401) ?? 0}; the right password right after: ${rightPassword === 429 ? '429 (locked out too)' : rightPassword}`,
  );
}

try {
  const created = await fetch(`${base}/api/v1/principals`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'user', name: 'marie', scopes: ['read'], password: PASSWORD }),
  });
  if (created.status !== 201 && created.status !== 200)
    throw new Error(`creating the user: ${created.status} ${await created.text()}`);
  console.log('bench:signin  POST /api/v1/auth/login from loopback, linewatch start (embedded)');
  console.log(
    `  limit: 10 attempts per 15 minutes per address and per user name; ${SENDERS} concurrent senders`,
  );
  await phase('one user name (brute force against marie)', () => 'marie');
  await phase('a new user name each guess (spray from one address)', (i) => `user-${i}`);
} finally {
  server.child.kill('SIGTERM');
  await server.exited;
  rmSync(dataDir, { recursive: true, force: true });
}
