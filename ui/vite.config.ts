import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// The desktop shell loads the built files from ui/dist (see src-tauri/tauri.conf.json);
// the dev server is only for working on the UI.
export default defineConfig({
  plugins: [svelte()],
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
  },
});
