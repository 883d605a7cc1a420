# aksdoctor in a container, for in-cluster scans (deploy/cronjob.yaml) and CI.
FROM python:3.12-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
COPY runbooks ./runbooks
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.12-slim
RUN useradd --uid 10001 --create-home aksdoctor
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER 10001
ENTRYPOINT ["aksdoctor"]
CMD ["scan", "-A", "-o", "json"]
