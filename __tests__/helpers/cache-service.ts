// A local stand-in for GitHub's cache service (v2), so tests run the real @actions/cache:
// Azurite (npm) is the blob store, and this server answers the three Twirp calls the library
// makes, with GitHub's matching rules: the exact key first, then the primary key and each
// restore key as prefixes, newest first, only among entries of the same version, and only
// entries the run's ref may read (its own ref and the default branch). The v1 protocol (what the
// library speaks on GHES) is only a lookup that finds nothing: enough to see who speaks which.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BlobSASPermissions,
  BlobServiceClient,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { repoRoot } from './action-runner.js';
import type { FakeGitHub } from './fake-github.js';

// Azurite's published development account (not a secret: the same for every Azurite).
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const CONTAINER = 'actions-cache';
const SERVICE = '/twirp/github.actions.results.api.v1.CacheService/';
const V1_LOOKUP = '/_apis/artifactcache/cache?';

export interface CacheEntry {
  id: number;
  key: string;
  version: string;
  ref: string;
  sizeBytes: number;
  createdAt: string;
  finalized: boolean;
}

export interface CacheServiceStandIn {
  /** Environment for a process that should use this service. */
  env: Record<string, string>;
  entries(): CacheEntry[];
  deleteEntry(id: number): boolean;
  /** The ref of the runs that talk to the service from now on. */
  setRef(ref: string): void;
  /** The next n calls answer HTTP 400 (the library does not retry 4xx). */
  failNext(n: number): void;
  /** Every Twirp call received, by method name; any other request by its path and query. */
  calls: string[];
  stop(): Promise<void>;
}

/**
 * Starts Azurite's blob service on a port the OS picks (port 0) and reads the port from the line
 * Azurite prints once it listens: no free port is looked up first and then bound (another
 * process could take it in between).
 */
async function startAzurite(timeoutMs = 20000): Promise<{ process: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules/azurite/dist/src/blob/main.js'),
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--inMemoryPersistence',
      '--disableTelemetry',
      '--silent',
      '--skipApiVersionCheck',
      '--loose',
    ],
    // Azurite writes its debug log into the working directory: keep that out of the repository.
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: mkdtempSync(path.join(os.tmpdir(), 'wm-azurite-')) },
  );
  let output = '';
  let listening = false;
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`Azurite did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const read = (d: Buffer) => {
      if (listening) return;
      output += d.toString('utf8');
      const address = /successfully listens on https?:\/\/[^\s:]+:(\d+)/.exec(output);
      if (!address) return;
      listening = true;
      clearTimeout(timer);
      resolve(Number(address[1]));
    };
    // The listeners stay: they drain its output, so a full pipe never blocks it.
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited (code ${code}) before listening:\n${output}`));
    });
  });
  return { process: child, port };
}

export async function startCacheService(
  options: { ref?: string; defaultBranch?: string } = {},
): Promise<CacheServiceStandIn> {
  const { process: azurite, port: blobPort } = await startAzurite();
  const credential = new StorageSharedKeyCredential(ACCOUNT, ACCOUNT_KEY);
  const blobs = new BlobServiceClient(`http://127.0.0.1:${blobPort}/${ACCOUNT}`, credential);
  await blobs.getContainerClient(CONTAINER).createIfNotExists();

  const entries: CacheEntry[] = [];
  const calls: string[] = [];
  let nextId = 1;
  let failures = 0;
  let currentRef = options.ref ?? 'refs/heads/main';
  const defaultRef = `refs/heads/${options.defaultBranch ?? 'main'}`;

  const sasUrl = (blobName: string, permissions: string) => {
    const sas = generateBlobSASQueryParameters(
      {
        containerName: CONTAINER,
        blobName,
        permissions: BlobSASPermissions.parse(permissions),
        expiresOn: new Date(Date.now() + 3600_000),
      },
      credential,
    ).toString();
    return `http://127.0.0.1:${blobPort}/${ACCOUNT}/${CONTAINER}/${blobName}?${sas}`;
  };

  const readable = (e: CacheEntry) => e.finalized && (e.ref === currentRef || e.ref === defaultRef);

  const handlers: Record<string, (body: Record<string, unknown>) => { status: number; body: unknown }> = {
    CreateCacheEntry: (body) => {
      const key = String(body.key);
      const version = String(body.version);
      if (entries.some((e) => e.key === key && e.version === version && e.ref === currentRef)) {
        return { status: 409, body: { code: 'already_exists', msg: `cache entry ${key} already exists` } };
      }
      const entry: CacheEntry = {
        id: nextId++,
        key,
        version,
        ref: currentRef,
        sizeBytes: 0,
        createdAt: new Date().toISOString(),
        finalized: false,
      };
      entries.push(entry);
      return { status: 200, body: { ok: true, signed_upload_url: sasUrl(`entry-${entry.id}`, 'cw') } };
    },
    FinalizeCacheEntryUpload: (body) => {
      const entry = entries.find(
        (e) => e.key === String(body.key) && e.version === String(body.version) && e.ref === currentRef && !e.finalized,
      );
      if (!entry) return { status: 404, body: { code: 'not_found', msg: 'no pending entry' } };
      entry.finalized = true;
      entry.sizeBytes = Number(body.size_bytes ?? body.sizeBytes ?? 0);
      return { status: 200, body: { ok: true, entry_id: String(entry.id) } };
    },
    GetCacheEntryDownloadURL: (body) => {
      const version = String(body.version);
      const candidates = entries.filter((e) => readable(e) && e.version === version);
      // Newest first; own ref before the default branch at equal age.
      const newest = (list: CacheEntry[]) => [...list].sort((a, b) => b.id - a.id)[0];
      const key = String(body.key);
      const restoreKeys = Array.isArray(body.restore_keys ?? body.restoreKeys)
        ? ((body.restore_keys ?? body.restoreKeys) as string[])
        : [];
      let hit = newest(candidates.filter((e) => e.key === key));
      for (const prefix of [key, ...restoreKeys]) {
        if (hit) break;
        hit = newest(candidates.filter((e) => e.key.startsWith(prefix)));
      }
      if (!hit) return { status: 200, body: { ok: false, signed_download_url: '', matched_key: '' } };
      return {
        status: 200,
        body: { ok: true, signed_download_url: sasUrl(`entry-${hit.id}`, 'r'), matched_key: hit.key },
      };
    },
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = (req.url ?? '').startsWith(SERVICE) ? (req.url ?? '').slice(SERVICE.length) : '';
      calls.push(method || (req.url ?? ''));
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (!req.headers.authorization?.startsWith('Bearer '))
        return send(401, { code: 'unauthenticated', msg: 'no token' });
      if (failures > 0) {
        failures--;
        return send(400, { code: 'invalid_argument', msg: 'the stand-in was told to fail' });
      }
      if (req.method === 'GET' && (req.url ?? '').startsWith(V1_LOOKUP)) {
        res.writeHead(204);
        return res.end();
      }
      const handler = handlers[method];
      if (!handler) return send(404, { code: 'bad_route', msg: `no method ${method}` });
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        return send(400, { code: 'malformed', msg: 'bad json' });
      }
      const out = handler(body);
      send(out.status, out.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    env: {
      ACTIONS_CACHE_SERVICE_V2: 'true',
      ACTIONS_RESULTS_URL: `http://127.0.0.1:${port}/`,
      ACTIONS_RUNTIME_TOKEN: 'stand-in-runtime-token',
    },
    entries: () => entries.filter((e) => e.finalized),
    deleteEntry: (id) => {
      const i = entries.findIndex((e) => e.id === id);
      if (i === -1) return false;
      entries.splice(i, 1);
      return true;
    },
    setRef: (ref) => {
      currentRef = ref;
    },
    failNext: (n) => {
      failures = n;
    },
    calls,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      azurite.kill();
    },
  };
}

/**
 * The REST endpoints for listing and deleting cache entries, backed by the stand-in, on a
 * FakeGitHub. `forbid()` makes them answer 403 as for a token without `actions: write`.
 */
export function serveCacheApi(github: FakeGitHub, service: CacheServiceStandIn): { forbid(on: boolean): void } {
  let forbidden = false;
  github
    .route('GET', '/repos/{owner}/{repo}/actions/caches', (req) => {
      if (forbidden) return { status: 403, body: { message: 'Resource not accessible by integration' } };
      const key = req.query.get('key') ?? '';
      const ref = req.query.get('ref');
      const list = service.entries().filter((e) => e.key.startsWith(key) && (!ref || e.ref === ref));
      return {
        body: {
          total_count: list.length,
          actions_caches: list.map((e) => ({
            id: e.id,
            key: e.key,
            ref: e.ref,
            version: e.version,
            size_in_bytes: e.sizeBytes,
            created_at: e.createdAt,
            last_accessed_at: e.createdAt,
          })),
        },
      };
    })
    .route('DELETE', '/repos/{owner}/{repo}/actions/caches/{id}', (_req, params) => {
      if (forbidden) return { status: 403, body: { message: 'Resource not accessible by integration' } };
      return service.deleteEntry(Number(params.id)) ? { status: 204 } : { status: 404, body: { message: 'Not Found' } };
    });
  return {
    forbid: (on) => {
      forbidden = on;
    },
  };
}
