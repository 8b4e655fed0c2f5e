# syntax=docker/dockerfile:1
# connector-ops: build with the full toolchain, run on a slim Node 24 image as a non-root user.
# The image carries only what runs: the compiled dist/ and the production dependencies, without type
# declarations (@types, *.d.ts), TypeScript sources, source maps or the dependencies' tests.
# docker build --build-arg SOURCE_MAPS=true keeps the source maps of dist/ (stack traces that name src/ lines).

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# What .dockerignore lets in: the manifests, the TypeScript configurations and src/.
COPY . .
ARG SOURCE_MAPS=false
# Node never runs TypeScript from node_modules, and nothing reads declarations or maps at run time. Importing
# every dependency afterwards proves that the pruning left each one whole.
RUN npm run build -- --sourceMap "$SOURCE_MAPS" \
 && chmod 755 dist/bin.js \
 && npm prune --omit=dev --no-audit --no-fund \
 && find node_modules -depth -regextype posix-extended -type d \( -name @types \
      -o -regex '(.*/)?node_modules/(@[^/]+/)?[^/]+/(test|tests|__tests__)' \) -exec rm -rf {} + \
 && find node_modules -type f \( -name '*.map' -o -name '*.ts' -o -name '*.mts' -o -name '*.cts' \) -delete \
 && node --input-type=module -e "import { readFileSync } from 'node:fs'; \
      for (const name of Object.keys(JSON.parse(readFileSync('package.json', 'utf8')).dependencies)) await import(name);" \
 && mkdir /out && mv package.json node_modules dist /out/

FROM node:24-slim
# All that does not depend on the code comes first, so that a change of the code rebuilds only the last layer.
ENV NODE_ENV=production \
    DATA_DIR=/data \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=3000
# The embedded store lives on a volume that the node user (uid 1000) owns (made before VOLUME, which freezes
# it). `connector-ops` is on PATH for `docker exec <container> connector-ops check`.
RUN mkdir -p /data && chown node:node /data && ln -s /app/dist/bin.js /usr/local/bin/connector-ops
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# A young generation of at most 2 x 16 MB: V8 would grow it to 2 x 64 MB under a report, spending 30 ms and more
# on one collection that resizes it (a stall of the chat thread) and 70 MB of memory (README, "Memory and pauses").
ENTRYPOINT ["node", "--max-semi-space-size=16", "dist/bin.js"]
CMD ["start"]
WORKDIR /app
USER node
# Owned by root: the bot cannot change its own code.
COPY --from=build /out ./
