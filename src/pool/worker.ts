// Entry of the pool's worker bundles (build/worker.node.js, build/worker.browser.js): init over comlink,
// jobs as raw batched messages on the same endpoint (protocol.ts). The platform adapter says what "the parent" is here.
import { expose, type Endpoint } from "comlink";
import { platform } from "#platform";
import type { JobsMessage } from "./protocol.ts";
import { createWorkerRuntime } from "./runner.ts";

const parent = platform.parentEndpoint();
// comlink listens on this endpoint; messages taken by polling (which the event loop never delivers) reach it here too.
const comlinkListeners = new Set<EventListenerOrEventListenerObject>();
const endpoint: Endpoint = {
  postMessage: (message, transfer) => parent.postMessage(message, transfer),
  addEventListener: (_type, listener) => void comlinkListeners.add(listener),
  removeEventListener: (_type, listener) => void comlinkListeners.delete(listener),
};
const dispatch = (data: unknown) => {
  if ((data as Partial<JobsMessage> | undefined)?.hotpathJobs) return runtime.receive(data as JobsMessage);
  const event = { data } as MessageEvent;
  for (const listener of comlinkListeners)
    if (typeof listener === "function") listener(event);
    else listener.handleEvent(event);
};
const poll = platform.pollParent?.bind(platform);
const runtime = createWorkerRuntime(
  (message, moved) => parent.postMessage(message, moved),
  poll &&
    (() => {
      const received = poll();
      if (!received) return false;
      dispatch(received.data);
      return true;
    }),
);
parent.addEventListener("message", (event) => dispatch((event as MessageEvent).data));
expose(runtime.api, endpoint);
