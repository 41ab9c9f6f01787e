// Entry of the pool's worker bundles (build/worker.node.js, build/worker.browser.js): init over comlink,
// jobs as raw batched messages on the same endpoint (protocol.ts). The platform adapter says what "the parent" is here.
import { expose } from "comlink";
import { platform } from "#platform";
import type { JobsMessage } from "./protocol.ts";
import { createWorkerRuntime } from "./runner.ts";

const parent = platform.parentEndpoint();
const runtime = createWorkerRuntime((message, moved) => parent.postMessage(message, moved));
parent.addEventListener("message", (event) => {
  const data = (event as MessageEvent).data as Partial<JobsMessage> | undefined;
  if (data?.hotpathJobs) runtime.receive(data as JobsMessage);
});
expose(runtime.api, parent);
