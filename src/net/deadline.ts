// Every network call has a deadline, and a service that failed once in a step is not called
// again in that step: a broken service costs seconds, not minutes. The deadlines can be
// shortened through the environment (tests use a server that never answers).
import * as core from '@actions/core';

export interface Deadlines {
  /** One REST API request. */
  apiMs: number;
  /** One cache lookup (the service answers these in milliseconds when healthy). */
  cacheLookupMs: number;
  /** One whole cache download or upload, archive included. */
  cacheTransferMs: number;
}

const DEFAULTS: Deadlines = { apiMs: 10_000, cacheLookupMs: 15_000, cacheTransferMs: 10 * 60_000 };

const ENV_NAMES: Record<keyof Deadlines, string> = {
  apiMs: 'WATCHMAKER_API_TIMEOUT_MS',
  cacheLookupMs: 'WATCHMAKER_CACHE_LOOKUP_TIMEOUT_MS',
  cacheTransferMs: 'WATCHMAKER_CACHE_TRANSFER_TIMEOUT_MS',
};

export function readDeadlines(env: NodeJS.ProcessEnv): Deadlines {
  const out = { ...DEFAULTS };
  for (const key of Object.keys(ENV_NAMES) as Array<keyof Deadlines>) {
    const raw = env[ENV_NAMES[key]];
    if (raw && /^\d+$/.test(raw) && Number(raw) > 0) out[key] = Number(raw);
  }
  return out;
}

export class DeadlineError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 ? 1 : 0)} s` : `${ms} ms`}`);
    this.name = 'DeadlineError';
  }
}

/**
 * Resolves or rejects with `work`, or rejects with DeadlineError after `ms`. The work itself may
 * go on in the background (a library call that takes no signal): the entry points end the
 * process once the step is done, so it cannot hold the job.
 */
export async function withDeadline<T>(what: string, ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new DeadlineError(what, ms));
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Thrown instead of calling a service that already failed in this step. */
export class ServiceDownError extends Error {
  constructor(
    readonly service: string,
    readonly firstFailure: string,
  ) {
    super(`${service} failed earlier in this step (${firstFailure}); not called again`);
    this.name = 'ServiceDownError';
  }
}

/**
 * One per service and step. The first failure is remembered (and warned about once by the
 * caller); every later call is refused at once.
 */
export class ServiceGate {
  private failure: string | null = null;

  constructor(readonly service: string) {}

  get down(): string | null {
    return this.failure;
  }

  async call<T>(what: string, ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.failure) throw new ServiceDownError(this.service, this.failure);
    try {
      return await withDeadline(`${this.service} (${what})`, ms, work);
    } catch (e) {
      if (isServiceFailure(e)) this.markDown((e as Error).message);
      throw e;
    }
  }

  markDown(reason: string): void {
    if (this.failure) return;
    this.failure = reason;
    core.debug(`${this.service} is marked down for this step: ${reason}`);
  }
}

/**
 * A failure on this runner (a full disk, a directory it may not write, tar failing there) while
 * talking to a service: the service is fine, so later calls (the baseline store) still go ahead.
 */
export class LocalFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LocalFailure';
  }
}

/** File-system error codes: they come from this machine's disk, never from a service. */
const LOCAL_CODES = new Set([
  'ENOSPC',
  'EDQUOT',
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOTDIR',
  'EISDIR',
  'EEXIST',
  'ENOENT',
  'EMFILE',
  'ENFILE',
  'EIO',
]);

export function isLocalFailure(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof LocalFailure || (typeof code === 'string' && LOCAL_CODES.has(code));
}

/**
 * Errors that say the service is unusable (time-outs, refused connections, 5xx, 429), as
 * opposed to answers about the request (404, 403, 422), which leave the service usable, and to
 * failures on this runner's disk.
 */
export function isServiceFailure(e: unknown): boolean {
  if (e instanceof DeadlineError) return true;
  if (isLocalFailure(e)) return false;
  const status = (e as { status?: unknown }).status;
  if (typeof status === 'number') return status >= 500 || status === 429;
  return true;
}

/** The two services a step talks to; one gate each per process (a step is one process). */
export const gates = {
  cache: new ServiceGate('the cache service'),
  api: new ServiceGate("GitHub's REST API"),
};

/** For tests that run several steps in one process. */
export function resetGates(): void {
  gates.cache = new ServiceGate('the cache service');
  gates.api = new ServiceGate("GitHub's REST API");
}
