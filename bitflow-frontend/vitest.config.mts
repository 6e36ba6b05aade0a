// One vitest run over the shared package and all 14 apps (`pnpm test`).
import { defineConfig } from "vitest/config";

export default defineConfig({
  // Next's tsconfig says jsx: "preserve"; tests need React's automatic runtime.
  oxc: { jsx: { runtime: "automatic" } },
  test: {
    environment: "node",
    include: ["packages/*/src/**/*.test.{ts,tsx}", "tests/**/*.test.{ts,tsx}"],
    restoreMocks: true,
    unstubEnvs: true,
    unstubGlobals: true,
  },
});
