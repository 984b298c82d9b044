// The one hashing helper: short, stable, hex sha256 prefixes for keys and names. Pure.
import { createHash } from 'node:crypto';

export const shortHash = (text: string, length = 12) =>
  createHash('sha256').update(text).digest('hex').slice(0, length);

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
