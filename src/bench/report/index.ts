// The benchmark reports, one module per format over one model (table.ts): text for the terminal,
// Markdown, self-contained HTML with SVG charts, JSON. Browser-safe.
export { toText } from "./text.ts";
export { toMarkdown } from "./markdown.ts";
export { toHtml } from "./html.ts";
export { toJson } from "./json.ts";
export { asReport, formatSize, formatSpeedup } from "./table.ts";
