#!/usr/bin/env node
import '../dist/mcp-provider-bin.js';
