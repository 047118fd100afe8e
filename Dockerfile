# Plenum runs its TypeScript directly on Node 24 (type stripping), so the image needs no build step.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY db/package.json db/
COPY packages/core/package.json packages/core/
COPY packages/federation/package.json packages/federation/
COPY packages/web/package.json packages/web/
COPY packages/server/package.json packages/server/
# --omit=dev also leaves out the `node` npm package: the image already is Node 24.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY db db
COPY packages packages
USER node
ENV HOST=0.0.0.0 PORT=3000
EXPOSE 3000
CMD ["node", "packages/server/src/bin/start.ts"]
