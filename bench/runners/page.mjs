// The page side of the Chromium runner: the published browser bundle, measured in the page's main
// thread; progress goes to window.hotpathProgress, which the driver exposes through playwright.
import { bench } from "../../build/bench.browser.js";

const status = document.getElementById("status");
window.hotpathBench = async (config) => {
  // The jit case set instead of the built-in kernels (`hotpath bench --set jit`).
  const jitSet =
    config.set === "jit"
      ? await Promise.all([
          import("../../build/jit.browser.js"),
          import("../../build/browser.js"),
          import("../../build/bench-jit.js"),
        ]).then(async ([{ jit, vectorize }, { createPool }, { jitCases }]) => ({
          builtins: false,
          cases: jitCases(
            {
              jit,
              vectorize,
              createPool,
              kernels: await WebAssembly.compileStreaming(fetch(new URL("../../build/hotpath.wasm", import.meta.url))),
            },
            config.builtins,
          ),
        }))
      : undefined;
  const result = await bench({
    preset: config.preset,
    // The C peers' module, served by the driver from the user's cache.
    ...(config.cKernels ? { cKernels: new URL(config.cKernels, location.href) } : {}),
    ...(jitSet ?? (config.builtins ? { builtins: config.builtins } : {})),
    ...(config.sizes ? { sizes: config.sizes } : {}),
    onProgress: (p) => {
      status.textContent = `${p.caseId}: ${p.phase} ${p.impl ?? ""}`;
      window.hotpathProgress?.(p);
    },
  });
  status.textContent = "done";
  return JSON.parse(JSON.stringify(result));
};
status.textContent = `ready (crossOriginIsolated: ${globalThis.crossOriginIsolated})`;
window.hotpathReady = true;
