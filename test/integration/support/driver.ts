import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { rawConsole } from './console';
import { DRIVER_DIR_ENV, REQUEST_MARKER, type DriverAction, type DriverAnswer, type DriverRequest, type DriverResults } from './protocol';

let counter = 0;

/** True when the suite runs under the code-server driver (npm run test:integration), which answers requests. */
export function driverAvailable(): boolean {
  return Boolean(process.env[DRIVER_DIR_ENV]);
}

/**
 * Asks the driver to act on the browser page (screenshot, text inside the active webview) and waits for its
 * answer file. Tests that use it belong in `*.driver.test.ts` files, which only the code-server run loads.
 */
export async function askDriver<A extends DriverAction>(
  action: A,
  args: Omit<DriverRequest, 'id' | 'action'> = {},
  timeoutMs = 30_000,
): Promise<DriverResults[A]> {
  const dir = process.env[DRIVER_DIR_ENV];
  if (!dir) throw new Error(`askDriver('${action}') needs the code-server driver: run npm run test:integration`);
  counter += 1;
  const id = `${process.pid}-${Date.now()}-${counter}`;
  const request: DriverRequest = { ...args, id, action };
  rawConsole.log(`${REQUEST_MARKER}${JSON.stringify(request)}`);
  const answerFile = path.join(dir, `${id}.json`);
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(answerFile)) {
    if (Date.now() > deadline) throw new Error(`the driver did not answer ${action} within ${timeoutMs} ms`);
    await sleep(100);
  }
  const answer = JSON.parse(readFileSync(answerFile, 'utf8')) as DriverAnswer<DriverResults[A]>;
  if (!answer.ok) throw new Error(`the driver could not ${action}: ${answer.error}`);
  return answer.result;
}
