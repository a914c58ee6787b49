#!/usr/bin/env node
import { runAcpAgent } from './acp-agent.js';

runAcpAgent(process.env);
