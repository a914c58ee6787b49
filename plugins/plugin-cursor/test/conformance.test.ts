import { describeHarnessConformance } from '@omnigent/testkit/conformance';
import cursor from '../src/index.js';
import { FIXTURES, fixturePath } from './helpers.js';

describeHarnessConformance(
  cursor,
  FIXTURES.map((c) => ({
    name: c.name,
    transcript: fixturePath(c.name),
    expect: c.expect,
    ...(c.request ? { request: c.request } : {}),
  })),
);
