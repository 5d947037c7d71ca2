/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The custom server (server/index.ts) owns /api and /healthz; Next renders pages only.
  serverExternalPackages: ['better-sqlite3'],
  // `npm test` type-checks the whole project (tsc --noEmit); a user's first `npm start`
  // should not fail, or take longer, over a type error in a test file.
  typescript: { ignoreBuildErrors: true },
  // `npm run dev` on 127.0.0.1 as well as localhost: Next's dev server otherwise refuses
  // its own reload socket from the other one as cross-origin.
  allowedDevOrigins: ['127.0.0.1', 'localhost'],
};

export default nextConfig;
