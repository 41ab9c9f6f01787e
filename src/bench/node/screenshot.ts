// Pictures of the HTML report, taken in Chromium (playwright-core): a PNG of the charts for a README,
// and a count of the pixels they paint, which the tests use to prove the charts are not blank. Node only.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHROMIUM_ARGS } from "./runtimes.ts";

/** What a screenshot of the report shows. */
export interface ChartShot {
  /** PNG of the element. */
  png: Uint8Array;
  width: number;
  height: number;
  /** Pixels that differ from the background (white). */
  painted: number;
  /** Distinct colours among those pixels (bars of several runtimes draw several). */
  colours: number;
}

/** Opens `html` in Chromium and screenshots the element matching `selector` (default: the speedup chart). */
export async function screenshotReport(html: string, executablePath: string, selector = "#speedup-chart"): Promise<ChartShot> {
  const { chromium } = await import("playwright-core");
  const profile = mkdtempSync(join(tmpdir(), "hotpath-shot-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.setContent(html);
    const element = page.locator(selector).first();
    const png = new Uint8Array(await element.screenshot({ type: "png" }));
    // Decode the screenshot in the page itself (a canvas reads PNGs), so no PNG decoder is needed here.
    const stats = await page.evaluate(async (b64: string) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const canvas = document.createElement("canvas");
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const ctx = canvas.getContext("2d")!;
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      const colours = new Set<number>();
      for (let i = 0; i < data.length; i += 4) {
        if (data[i] > 245 && data[i + 1] > 245 && data[i + 2] > 245) continue;
        painted++;
        colours.add(((data[i] >> 4) << 8) | ((data[i + 1] >> 4) << 4) | (data[i + 2] >> 4));
      }
      return { width: canvas.width, height: canvas.height, painted, colours: colours.size };
    }, Buffer.from(png).toString("base64"));
    return { png, ...stats };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
