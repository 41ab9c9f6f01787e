// Types of serve.mjs, for the tests and scripts written in TypeScript.
/** The built site: build/playground/. */
export declare const SITE: string;
export declare const ISOLATION_HEADERS: Record<string, string>;
/** The Content-Security-Policy the playground works under. */
export declare const PLAYGROUND_CSP: string;
/** Serves `dir` on 127.0.0.1:`port` (0: any free port), with COOP/COEP unless `isolated` is false, and the CSP when `csp`. */
export declare function startServer(options?: {
  dir?: string;
  port?: number;
  isolated?: boolean;
  csp?: boolean;
}): Promise<{ url: string; close(): Promise<void> }>;
