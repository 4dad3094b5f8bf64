#!/usr/bin/env node
// Registers a device's public key with the head office: POST <hq>/v1/admin/devices
// (sync/hq/routes-admin.ts: {deviceId, storeId, publicKey: SPKI DER base64}, 201 with the
// head office's own public key, 409 when the device id exists).
// Runs on the technician's machine so the admin token never reaches the device.
// Input from the environment (not argv, which other users can read in `ps`):
//   HQ_URL BASHGAH_HQ_TOKEN DEVICE_ID STORE_ID STORE_NAME PUBKEY_B64 FINGERPRINT
// Exit 0 registered (stdout: a message line, then `hqPublicKey=<base64>` when given),
// 1 with one clear line otherwise.
import { createPublicKey } from 'node:crypto';
const env = process.env;
const required = ['HQ_URL', 'BASHGAH_HQ_TOKEN', 'DEVICE_ID', 'STORE_ID', 'STORE_NAME', 'PUBKEY_B64', 'FINGERPRINT'];
const missing = required.filter((name) => !env[name]);
if (missing.length > 0) {
  console.error(`missing ${missing.join(', ')}${missing.includes('BASHGAH_HQ_TOKEN') ? ' (export BASHGAH_HQ_TOKEN=<admin token>, or use --no-register)' : ''}`);
  process.exit(1);
}
const url = `${env.HQ_URL.replace(/\/+$/, '')}/v1/admin/devices`;
let publicKey;
try {
  const pem = Buffer.from(env.PUBKEY_B64, 'base64').toString('utf8');
  publicKey = createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('base64');
} catch (error) {
  console.error(`the device's public key is not readable: ${error.message}`);
  process.exit(1);
}
const body = { deviceId: env.DEVICE_ID, storeId: env.STORE_ID, publicKey };
let response;
try {
  response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.BASHGAH_HQ_TOKEN}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
    redirect: 'error',
  });
} catch (error) {
  const reason = error.name === 'TimeoutError' ? 'no answer within 20 s' : (error.cause?.code ?? error.message);
  console.error(`cannot reach the head office at ${url}: ${reason} (check --hq, or use --no-register and register later)`);
  process.exit(1);
}
const text = (await response.text()).slice(0, 500).replace(/\s+/g, ' ').trim();
let detail = text;
try {
  const parsed = JSON.parse(text);
  detail = parsed.message ?? parsed.error ?? text;
} catch {
  // Not JSON: keep the text excerpt.
}
if (response.ok) {
  console.log(`registered device ${env.DEVICE_ID} with ${env.HQ_URL} (HTTP ${response.status}, key sha256:${env.FINGERPRINT.slice(0, 16)}…)`);
  let hqPublicKey = '';
  try {
    hqPublicKey = String(JSON.parse(text).hqPublicKey ?? '');
  } catch {
    // No JSON body: nothing more to record.
  }
  if (/^[A-Za-z0-9+/=]{16,400}$/.test(hqPublicKey)) console.log(`hqPublicKey=${hqPublicKey}`);
  process.exit(0);
}
const hints = {
  400: 'the head office rejected the request',
  401: 'the head office refused the admin token: set BASHGAH_HQ_TOKEN to a valid admin token',
  403: 'the admin token may not register devices',
  404: `the head office has no ${new URL(url).pathname}: is --hq the head office address?`,
  409: `the head office already has device ${env.DEVICE_ID} with another key: revoke it there or choose another --device-id`,
};
console.error(`${hints[response.status] ?? 'registration failed'} (HTTP ${response.status}${detail ? `: ${detail}` : ''})`);
process.exit(1);
