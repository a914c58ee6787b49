import { ACP_AGENT_BIN, acpConformanceAgent } from '@omnigent/testkit';
import { describeSessionConformance } from '@omnigent/testkit/conformance';
import { acpHarness } from '../src/index.js';

// the testkit's scripted agent is a real ACP agent (the official SDK over stdio)
describeSessionConformance(acpHarness, acpConformanceAgent(ACP_AGENT_BIN));
