#!/usr/bin/env node
import '../dist/acp-agent-bin.js';
