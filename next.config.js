/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The custom server (server/index.ts) owns /api and /healthz; Next renders pages only.
  serverExternalPackages: ['better-sqlite3'],
};

export default nextConfig;
