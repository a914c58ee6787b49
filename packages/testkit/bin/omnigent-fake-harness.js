#!/usr/bin/env node
import '../dist/fake-harness-bin.js';
