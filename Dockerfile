# kadswarm: one image for the coordinator (`stress --hosts H --listen ADDR`) and every host
# (`host --index i --hosts H --coordinator ADDR`). README "Running across machines".
#   docker build -t kadswarm:latest .
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: "prepare" would build before the sources are here.
RUN npm ci --ignore-scripts
COPY tsconfig.json index.cjs ./
COPY src ./src
COPY bench ./bench
COPY stress ./stress
COPY test ./test
COPY fuzz ./fuzz
RUN npx tsc -p tsconfig.json

FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json index.cjs ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/bench ./dist/bench
# The coordinator's port (hosts listen on ephemeral ports they announce through it).
EXPOSE 7400
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["--help"]
