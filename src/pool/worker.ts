// Entry of the pool's worker bundles (build/worker.node.js, build/worker.browser.js): expose the job
// runner to the parent over comlink. The platform adapter says what "the parent" is here.
import { expose } from "comlink";
import { platform } from "#platform";
import { createWorkerApi } from "./runner.ts";

expose(createWorkerApi(), platform.parentEndpoint());
