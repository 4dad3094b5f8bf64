#!/usr/bin/env node
// Waits for the kiosk's health endpoint: `node health-check.mjs URL TIMEOUT_SECONDS`.
// Exit 0 once it answers 2xx; 1 with the last reason after the timeout. Used by update.sh
// and provisioning on the device, where Node exists but curl may not.
const [url = 'http://127.0.0.1:8080/healthz', timeoutText = '60'] = process.argv.slice(2);
const timeoutMs = Math.min(600, Math.max(1, Number(timeoutText) || 60)) * 1000;
const deadline = Date.now() + timeoutMs;
let reason = 'no answer';
while (Date.now() < deadline) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(Math.min(5000, Math.max(500, deadline - Date.now()))) });
    const body = (await response.text()).slice(0, 300);
    if (response.ok) {
      process.stdout.write(`healthy: ${url} answered ${response.status}\n`);
      process.exit(0);
    }
    reason = `${url} answered ${response.status}: ${body.replace(/\s+/g, ' ')}`;
  } catch (error) {
    reason = `${url}: ${error.cause?.code ?? error.message}`;
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}
process.stderr.write(`unhealthy after ${timeoutMs / 1000} s: ${reason}\n`);
process.exit(1);
