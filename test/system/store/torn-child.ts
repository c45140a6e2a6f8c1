// Child process for the torn-write test: a real collector over a real store whose first journal write fails
// half way (the bytes really reach the file, then ENOSPC), as when the disk fills during an append. With
// `nocut` the truncation that repairs it fails too. Prints the endpoint, then waits to be SIGKILLed.
import { open } from 'node:fs/promises';
import path from 'node:path';
import { CollectorServer } from '../../../src/collector/server';
import { defaultNormalizers } from '../../../src/collector/normalizers';
import { BundledPriceTable } from '../../../src/core/pricing';
import { Store } from '../../../src/core/store/store';
import { sqlLoader } from '../../unit/helpers/events';
import { TOKEN } from '../../unit/collector/harness';

async function main() {
  const [dbPath, mode] = process.argv.slice(2);
  const probe = await open(path.join(path.dirname(dbPath!), 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as { writeFile: (d: Buffer | string) => Promise<void>; truncate: (n: number) => Promise<void> };
  await probe.close();
  const realWriteFile = proto.writeFile;
  let failures = 1;
  proto.writeFile = async function (this: unknown, data: Buffer | string) {
    if (failures-- > 0) {
      const bytes = Buffer.from(data);
      await realWriteFile.call(this, bytes.subarray(0, Math.floor(bytes.length / 2)));
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }
    return realWriteFile.call(this, data);
  };
  if (mode === 'nocut') {
    proto.truncate = async () => {
      throw Object.assign(new Error('EIO: i/o error, ftruncate'), { code: 'EIO' });
    };
  }
  const store = await Store.open({ path: dbPath!, sql: await sqlLoader.load(), snapshotDelayMs: 60_000 });
  const prices = new BundledPriceTable();
  const server = new CollectorServer({
    token: TOKEN,
    port: 0,
    store: async () => store,
    normalizers: defaultNormalizers(),
    prices: () => prices,
    version: 'test',
  });
  const port = await server.start();
  process.stdout.write(`listening http://127.0.0.1:${port}\n`);
  setInterval(() => {}, 1000);
}
main().catch((err) => {
  process.stderr.write(String(err));
  process.exit(3);
});
