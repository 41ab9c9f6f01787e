// Vite's client types for the page's sources: CSS imports, new URL(…, import.meta.url) workers.
/// <reference types="vite/client" />
