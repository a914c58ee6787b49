import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local HTTP front that sends each model request to the mock server of the model it names. */
export interface ModelRouter {
  url: string;
  close: () => Promise<void>;
}

/** True when a model request carries a tool's result (Anthropic, Responses or Chat Completions shape). */
export function carriesToolResult(body: Record<string, unknown>): boolean {
  return /"tool_result"|"function_call_output"|"role":"tool"/.test(JSON.stringify(body.messages ?? body.input ?? ''));
}

/**
 * Start a router on 127.0.0.1: a request whose body names a model in `byModel` goes to that mock;
 * once the agent sends a tool result back it goes to `afterTool` (the model's closing words);
 * anything else (other models, GETs) to `fallback`.
 * Contract: forwards method, path, headers and body unchanged; streams the answer back.
 */
export async function startModelRouter(targets: {
  byModel: Record<string, string>;
  afterTool: string;
  fallback: string;
}): Promise<ModelRouter> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        // not JSON (a GET): the fallback answers
      }
      const model = typeof body.model === 'string' ? body.model : '';
      const base = carriesToolResult(body) ? targets.afterTool : (targets.byModel[model] ?? targets.fallback);
      const up = httpRequest(
        new URL(req.url ?? '/', base),
        {
          method: req.method,
          headers: { ...req.headers, host: new URL(base).host, 'content-length': String(raw.length) },
        },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on('error', () => res.destroy());
      up.end(raw);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
