// Vite config of the playground: the dev server (`npm run playground`) and the static build
// (`npm run build:playground` → build/playground/) both send COOP/COEP, so the page is cross-origin
// isolated and the pool shares one WebAssembly.Memory with its workers.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const isolation = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  server: { headers: isolation, host: "127.0.0.1" },
  preview: { headers: isolation, host: "127.0.0.1" },
  worker: { format: "es" },
  build: {
    target: "es2022",
    outDir: fileURLToPath(new URL("../../build/playground/", import.meta.url)),
    emptyOutDir: true,
    reportCompressedSize: true,
    rollupOptions: {
      output: {
        // The editor in a chunk of its own, so the build reports what CodeMirror weighs.
        manualChunks: (id: string) =>
          /node_modules[\\/](@codemirror|@lezer|style-mod|w3c-keyname|crelt)[\\/]/.test(id) ? "codemirror" : undefined,
      },
    },
  },
});
