import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import type { Plugin } from "vite";

// Tauri freezes Object.prototype (`freezePrototype`) against prototype pollution. The
// class helpers ECharts is built with then fail: `this.constructor = d` on an object whose
// prototype chain ends in the frozen `Object.prototype.constructor` is an assignment to a
// read-only property. Defining the property instead of assigning it behaves the same and
// works with the frozen prototype. The build fails if a library update moves the code.
const CONSTRUCTOR_FIXES: { file: RegExp; from: string; to: string }[] = [
  {
    file: /node_modules\/tslib\/tslib\.es6\.m?js$/,
    from: "function __() { this.constructor = d; }",
    to: 'function __() { Object.defineProperty(this, "constructor", { value: d, writable: true, configurable: true }); }',
  },
  {
    file: /node_modules\/zrender\/lib\/core\/util\.js$/,
    from: "clazz.prototype.constructor = clazz;",
    to: 'Object.defineProperty(clazz.prototype, "constructor", { value: clazz, writable: true, configurable: true });',
  },
];

function frozenPrototypeSafe(): Plugin {
  return {
    name: "polku-frozen-prototype-safe",
    enforce: "pre",
    transform(code, id) {
      const fix = CONSTRUCTOR_FIXES.find((f) => f.file.test(id));
      if (!fix) return null;
      if (!code.includes(fix.from)) this.error(`${id}: expected "${fix.from}" to patch for Tauri's frozen prototype`);
      return code.replace(fix.from, fix.to);
    },
  };
}

// The desktop shell loads the built files from ui/dist (see src-tauri/tauri.conf.json);
// the dev server is only for working on the UI.
export default defineConfig({
  plugins: [svelte(), frozenPrototypeSafe()],
  // Relative asset URLs, so dist/ works from whatever origin the webview serves it.
  base: "./",
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Everything is served locally: no inlined assets that a strict CSP would have to allow.
    assetsInlineLimit: 0,
    // WebKitGTK on Debian 12 and newer.
    target: "safari15",
    // The dashboard's chunk is the charting library (about 670 kB); it is read from disk on
    // the dashboard's first opening, never over a network.
    chunkSizeWarningLimit: 800,
  },
});
