/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Development only: phones on the local network load the dev server's scripts too.
  allowedDevOrigins: ["127.0.0.1", "localhost", "*.local", ...(process.env.DEV_ORIGINS?.split(",").filter(Boolean) ?? [])],
  // Database drivers stay plain Node modules: bundling them breaks their native/wasm loading.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "@electric-sql/pglite", "@electric-sql/pglite-socket"],
  // Headers for every response, files included; the per-request ones (Content-Security-Policy
  // with its nonce, Permissions-Policy, HSTS) are set in proxy.ts.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
    ];
  },
};

export default nextConfig;
