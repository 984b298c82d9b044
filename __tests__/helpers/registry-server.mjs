// Static file server for the local sparse registry (__tests__/helpers/registry.ts starts it).
// It runs in its own process so that a test may call cargo synchronously (execFileSync) while
// cargo talks to the registry: a server inside the test process would be blocked with it.
//
//   node registry-server.mjs <root> <request-log>
//
// Serves the files under <root> on 127.0.0.1 (a free port chosen by the system), GET and HEAD
// only, 404 for anything missing, and prints {"port":N} on stdout once it listens. Each request
// is appended to <request-log> as a JSON line ({"method","path","status"}) before the answer is
// sent, so a test that ran cargo synchronously can read what cargo asked for. Exits when its
// stdin closes (the test process ended) or on SIGTERM.
import http from 'node:http';
import { appendFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

const root = path.resolve(process.argv[2] ?? '.');
const requestLog = process.argv[3];
const logRequest = (method, urlPath, status) => {
  if (requestLog) appendFileSync(requestLog, `${JSON.stringify({ method, path: urlPath, status })}\n`);
};

const contentType = (file) =>
  file.endsWith('.json')
    ? 'application/json'
    : file.endsWith('.crate')
      ? 'application/gzip'
      : 'text/plain; charset=utf-8';

async function resolveFile(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const file = path.resolve(root, `.${path.posix.normalize(decoded)}`);
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  const st = await stat(file).catch(() => null);
  return st?.isFile() ? file : null;
}

const server = http.createServer(async (req, res) => {
  const urlPath = new URL(req.url ?? '/', 'http://registry.invalid').pathname;
  try {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      logRequest(req.method, urlPath, 405);
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const file = await resolveFile(urlPath);
    if (!file) {
      logRequest(req.method, urlPath, 404);
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const body = await readFile(file);
    logRequest(req.method, urlPath, 200);
    res.writeHead(200, {
      'content-type': contentType(file),
      'content-length': body.length,
      'cache-control': 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch (error) {
    logRequest(req.method, urlPath, 500);
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(`${error}\n`);
  }
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});

const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The test process holds our stdin open; when it goes away, so do we.
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
