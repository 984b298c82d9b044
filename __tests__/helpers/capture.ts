// Captures what @actions/core writes to stdout (log lines and ::error/::warning workflow
// commands) while module code runs in the test process.
import { jest } from '@jest/globals';
import { parseAnnotations, type Annotation } from './action-runner.js';

export interface CapturedOutput {
  text(): string;
  annotations(): Annotation[];
  restore(): void;
}

export function captureStdout(): CapturedOutput {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  return {
    text: () => chunks.join(''),
    annotations: () => parseAnnotations(chunks.join('')),
    restore: () => spy.mockRestore(),
  };
}
