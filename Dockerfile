# syntax=docker/dockerfile:1
# Linewatch for deployments against a ClickHouse server or cluster. chDB (the embedded engine)
# is left out: a container talks to a server (LINEWATCH_CLICKHOUSE_URL).

FROM node:20.20-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && npm run build -w @linewatch/web

FROM node:20.20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    LINEWATCH_HOST=0.0.0.0 \
    LINEWATCH_CONFIG=/etc/linewatch/linewatch.yaml
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/packages ./packages
COPY --from=build /app/collector ./collector
COPY --from=build /app/apps/server ./apps/server
COPY --from=build /app/apps/web/package.json ./apps/web/package.json
COPY --from=build /app/apps/web/dist ./apps/web/dist
COPY --from=build /app/test/package.json ./test/package.json
COPY --from=build /app/flows ./flows
COPY --from=build /app/alert-rules ./alert-rules
COPY --from=build /app/dashboards ./dashboards
COPY deploy/linewatch.yaml /etc/linewatch/linewatch.yaml
RUN npm ci --omit=dev --no-audit --no-fund \
    && rm -rf node_modules/chdb \
    && mkdir -p /var/lib/linewatch && chown node:node /var/lib/linewatch
USER node
EXPOSE 8080 4318 4317
VOLUME ["/var/lib/linewatch"]
HEALTHCHECK --interval=15s --timeout=3s CMD node -e "fetch('http://127.0.0.1:8080/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "apps/server/bin/linewatch.js"]
CMD ["start"]
