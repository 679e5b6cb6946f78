import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__STORE__?.stop();
  if (globalThis.__STORE_DIR__) fs.rmSync(globalThis.__STORE_DIR__, { recursive: true, force: true });
}
