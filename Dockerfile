# The long-running api variant (GKE). Three stages: build the bundle with the project's
# own toolchain, install only the bundle's runtime dependencies, and copy both into a
# small image that runs as a non-root user on a read-only root filesystem.

FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY . .
RUN npm ci --no-audit --no-fund && npm run build

FROM node:24-bookworm-slim AS runtime-deps
WORKDIR /app
COPY --from=build /src/dist/api/package.json ./package.json
# @node-rs/argon2 comes as a prebuilt binary for this platform; nothing is compiled.
RUN npm install --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=8080 NODE_OPTIONS=--enable-source-maps
WORKDIR /app
COPY --from=runtime-deps /app/node_modules ./node_modules
COPY --from=build /src/dist/api/ ./
# The image's own unprivileged user (uid 1000); the manifests also require non-root.
USER 1000:1000
EXPOSE 8080
# SIGTERM drains in-flight requests (SHUTDOWN_GRACE_MS) before the pod is killed.
STOPSIGNAL SIGTERM
CMD ["node", "index.js"]

# The migration job (Cloud Run job): the bundled migrator and sql/, nothing else.
FROM node:24-bookworm-slim AS migrate
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/dist/jobs/migrate/ ./
USER 1000:1000
CMD ["node", "index.js"]
