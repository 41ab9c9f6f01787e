// The page side of `hotpath bench --module` in Chromium (bundled as build/compare-page.js): the driver
// serves it with COOP/COEP and calls window.hotpathCompare(config) through playwright.
import { compare } from "../compare.ts";
import { runCompare, type CompareConfig } from "./compare-config.ts";

const g = globalThis as unknown as {
  hotpathCompare(config: CompareConfig): Promise<unknown>;
  hotpathProgress?(p: unknown): void;
  hotpathReady: boolean;
};
g.hotpathCompare = (config) => runCompare(compare, config, (p) => g.hotpathProgress?.(p));
g.hotpathReady = true;
