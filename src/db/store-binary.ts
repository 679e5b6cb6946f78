/**
 * Builds the embedded store (FerretDB v1.24.2 in a small Go main, tools/ferretdb)
 * once, with the machine's Go, and caches the binary outside git.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../shared/paths';

const run = promisify(execFile);

export const FERRETDB_VERSION = 'v1.24.2';
const sourceDir = path.join(projectRoot, 'tools', 'ferretdb');

export class StoreSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreSetupError';
  }
}

/** Named after the version and a hash of our Go sources, so that a binary built from older sources is never reused. */
export function storeBinaryPath(cacheDir: string): string {
  const hash = createHash('sha256');
  for (const f of ['go.mod', 'go.sum', 'main.go']) hash.update(fs.readFileSync(path.join(sourceDir, f)));
  return path.join(cacheDir, `ferretdb-embedded-${FERRETDB_VERSION}-${hash.digest('hex').slice(0, 12)}`);
}

/** The `go` command on PATH. */
export function findGo(envPath: string | undefined): string | undefined {
  const dirs = (envPath ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    const candidate = path.join(dir, 'go');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next directory
    }
  }
  return undefined;
}

/**
 * Returns the path of a ready binary, building it first if needed. The build goes to
 * a temporary name and is renamed into place, so two processes never run a half-written file.
 */
export async function ensureStoreBinary(opts: {
  cacheDir: string;
  envPath: string | undefined;
  log: (msg: string) => void;
}): Promise<string> {
  const binary = storeBinaryPath(opts.cacheDir);
  if (fs.existsSync(binary)) return binary;

  const go = findGo(opts.envPath);
  if (!go) {
    throw new StoreSetupError(
      'The embedded database needs Go 1.24 or newer to be built the first time: install Go (https://go.dev/doc/install) or set MONGODB_URI to an existing MongoDB.',
    );
  }
  fs.mkdirSync(opts.cacheDir, { recursive: true });
  const tmp = `${binary}.${process.pid}.tmp`;
  opts.log(`building the embedded store (FerretDB ${FERRETDB_VERSION}) with ${go}; the first build takes a few minutes`);
  try {
    // -buildvcs=false: on a server the checkout belongs to root and the build runs as the app's user, whom git
    // refuses to serve ("dubious ownership"); the version stamp is not needed (the name carries the sources' hash)
    await run(go, ['build', '-trimpath', '-buildvcs=false', '-o', tmp, '.'], {
      // The child inherits the environment: Go's own settings (module proxy, caches) apply.
      cwd: sourceDir,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    const stderr = (err as { stderr?: string }).stderr ?? String(err);
    throw new StoreSetupError(`Building the embedded store failed (go build in tools/ferretdb):\n${stderr.trim()}`);
  }
  fs.renameSync(tmp, binary);
  opts.log(`embedded store built: ${binary}`);
  return binary;
}

