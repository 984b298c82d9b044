// The step's gate with controlled outcomes: which verdicts fail the step under which inputs, and
// what the message says (the e2e tests take the real path; a measured verdict is not theirs to fix).
import { stepFailure, type GateInput } from '../../src/report/gate.js';

const passed: GateInput = {
  command: 'cargo build --locked',
  exitCode: 0,
  recordPath: '/tmp/record.json',
  verdict: 'unchanged',
  changePercent: 0.4,
  metric: 'cpu',
  workChange: 0,
};
const defaults = { failOnRegression: false, failOnWorkGrowth: null };

test('a failed build fails the step, naming the command, its exit code and where the record is', () => {
  expect(stepFailure(defaults, { ...passed, exitCode: 101 })).toBe(
    "'cargo build --locked' failed with exit code 101. The run record (/tmp/record.json) and the report still show " +
      'what was measured.',
  );
});

test('a regression fails the step only with fail-on-regression: true', () => {
  const regression = { ...passed, verdict: 'regression', changePercent: 23.456 };
  expect(stepFailure(defaults, regression)).toBeNull();
  expect(stepFailure({ ...defaults, failOnRegression: true }, regression)).toBe(
    'Build time regressed by 23.5% (cpu) against the base branch, and fail-on-regression is true.',
  );
  for (const verdict of ['unchanged', 'improvement', 'inconclusive', 'no-baseline'])
    expect(stepFailure({ ...defaults, failOnRegression: true }, { ...passed, verdict })).toBeNull();
});

test('compile work fails the step only beyond fail-on-work-growth, and never without a measurement', () => {
  const limit = { ...defaults, failOnWorkGrowth: 0.01 };
  expect(stepFailure(limit, { ...passed, workChange: 0.01 })).toBeNull();
  expect(stepFailure(limit, { ...passed, workChange: null })).toBeNull();
  expect(stepFailure(limit, { ...passed, workChange: 0.0213 })).toBe(
    'Compile work (bytes of machine code) grew by 2.13% against the baseline, over fail-on-work-growth (1.00%). ' +
      'The report names the functions that grew.',
  );
  expect(stepFailure(defaults, { ...passed, workChange: 5 })).toBeNull();
});
