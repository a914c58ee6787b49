#!/usr/bin/env node
import { runFakeHarness } from './fake-harness.js';

void runFakeHarness(process.argv.slice(2), process.env);
