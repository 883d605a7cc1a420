# aksdoctor in a container, for in-cluster scans (deploy/cronjob.yaml) and CI.
#   az acr build -r REGISTRY -t aksdoctor:0.1.0 .          (or: docker build -t REGISTRY.azurecr.io/aksdoctor:0.1.0 .)
# Stage 1 builds the wheel with the standard frontend from exactly the files below; stage 2 installs only
# that wheel (and its dependencies) and runs as an unprivileged user, the CronJob's runAsUser.
FROM python:3.12-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
COPY runbooks ./runbooks
COPY docs/report.schema.json ./docs/report.schema.json
RUN pip install --no-cache-dir build && python -m build --wheel --outdir /dist

FROM python:3.12-slim
RUN useradd --uid 10001 --create-home aksdoctor
COPY --from=build /dist /dist
RUN pip install --no-cache-dir /dist/aksdoctor-*.whl && rm -rf /dist
USER 10001
ENTRYPOINT ["aksdoctor"]
CMD ["scan", "-A", "-o", "jsonl"]
