// Finding the system Chromium (playwright must never download a browser here) and the flags it needs
// as root in a sandbox without network (see toolchain.md).
import { existsSync } from "node:fs";

export const CHROMIUM_HINT = "no Chromium found at $HOTPATH_CHROMIUM, /usr/bin/chromium or /usr/bin/chromium-browser; install it with `apt-get install -y chromium` (Debian)";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The Chromium executable to drive, or undefined when none is installed. */
export function findChromium(): string | undefined {
  const candidates = [process.env.HOTPATH_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  return candidates.find((path): path is string => !!path && existsSync(path));
}
