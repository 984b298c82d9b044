// End to end: the guard stops a CI build that would depend on the runner's CPU, and points at
// the line that set the flag.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Job } from '../helpers/action-runner.js';
import { smallWorkspace } from '../helpers/fixtures.js';

const local = { 'cache-backend': 'local', cache: 'false' };

describe('portable-flags guard in CI', () => {
  test('target-cpu=native in .cargo/config.toml fails the step before building, annotated at the file and line', async () => {
    const workspace = smallWorkspace({
      '.cargo/config.toml': '[net]\noffline = true\n\n[build]\nrustflags = ["-C", "target-cpu=native"]\n',
    });
    const main = await new Job({ workspace, inputs: local }).main();
    expect(main.exitCode).toBe(1);
    const error = main.annotations.find((a) => a.level === 'error' && a.properties.file === '.cargo/config.toml');
    expect(error).toBeDefined();
    expect(error!.properties.line).toBe('5');
    expect(error!.message).toMatch(/target-cpu=native/);
    expect(error!.message).toMatch(/profile/i);
    expect(existsSync(path.join(workspace, 'target'))).toBe(false);
  });

  test('RUSTFLAGS in the environment is named in the error', async () => {
    const main = await new Job({
      workspace: smallWorkspace(),
      inputs: local,
      env: { RUSTFLAGS: '-Ctarget-cpu=native' },
    }).main();
    expect(main.exitCode).toBe(1);
    expect(main.annotations.some((a) => a.level === 'error' && a.message.includes('RUSTFLAGS'))).toBe(true);
  });

  test('with guard: warn the build goes on and the finding is a warning', async () => {
    const main = await new Job({
      workspace: smallWorkspace(),
      inputs: { ...local, guard: 'warn' },
      env: { RUSTFLAGS: '-C target-cpu=native' },
    }).main();
    expect(main.exitCode).toBe(0);
    expect(main.annotations.some((a) => a.level === 'warning' && a.message.includes('target-cpu=native'))).toBe(true);
  });

  test('a cargo config that is not valid TOML is reported at its file and line', async () => {
    const workspace = smallWorkspace({ '.cargo/config.toml': '[build]\nrustflags = ["-C", \n' });
    const main = await new Job({ workspace, inputs: local }).main();
    expect(main.exitCode).toBe(1);
    const error = main.annotations.find((a) => a.level === 'error' && a.properties.file === '.cargo/config.toml');
    expect(error).toBeDefined();
    expect(Number(error!.properties.line)).toBeGreaterThan(0);
  });
});
