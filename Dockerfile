# Rapport's container image. Two stages: the build has the dev dependencies (TypeScript, esbuild);
# the image that runs has production dependencies only, runs as the non-root `node` user and is
# checked by /health. CI performs these same steps without Docker (scripts/check-image-steps.sh
# reads the runtime stage's COPY lines from this file), so a start that needs a dev dependency
# fails CI.
#
#   docker build -t rapport .
#   docker run -p 3000:3000 -v rapport-data:/data rapport          # embedded PGlite in /data
#   docker run -p 3000:3000 -e DATABASE_URL=postgres://… -e RAPPORT_SECRET=… rapport

# The full Debian image has python3, make and g++: argon2's install script compiles it where its
# bundled prebuilt binary does not load (it crashes on some CPUs), and the slim image could not.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Production dependencies only, installed (and compiled where needed) in a fresh directory.
FROM node:20-bookworm AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
# pg_dump/pg_restore of the server's major version (15), for `node dist/scripts/backup.js`.
RUN apt-get update \
  && apt-get install -y --no-install-recommends postgresql-client-15 \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    RAPPORT_DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=production-dependencies /app/node_modules ./node_modules
# What the hub reads at run time besides node_modules (keep in step with src/http/static-pages.ts).
COPY --from=build /app/dist ./dist
COPY --from=build /app/flows ./flows
COPY --from=build /app/channels/webchat/widget ./channels/webchat/widget
COPY --from=build /app/src/web/public ./src/web/public
COPY --from=build /app/src/web/inbox/dist ./src/web/inbox/dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Not `npm start`: its prestart builds, which needs the dev dependencies this image leaves out.
# The V8 flag is npm start's (package.json): a young generation of 32 MB, not 16 (README, "Run at scale").
CMD ["node", "--max-semi-space-size=32", "dist/src/main.js"]
