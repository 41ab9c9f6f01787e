// Vite with the hotpath plugin: files named *.kernel.ts are AssemblyScript kernels, compiled at build
// time and again when you edit them in the dev server. The headers make the page cross-origin isolated,
// so the pool can share memory with its workers.
import { defineConfig } from "vite";
import { hotpath } from "hotpath/vite";

const isolation = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

export default defineConfig({
  plugins: [hotpath()],
  server: { headers: isolation },
  preview: { headers: isolation },
  build: { target: "es2022" },
});
