# embargo: the CLI, the HTTP API and the web page in one image.
# Build: docker build -t embargo .   Run: see compose.yaml (PostgreSQL and two API processes).
FROM python:3.11-slim-bookworm AS build
ENV UV_PYTHON_DOWNLOADS=never UV_LINK_MODE=copy UV_COMPILE_BYTECODE=1
# ICU for PyICU, a C compiler for PyICU and the compiled screening core
RUN apt-get update \
    && apt-get install -y --no-install-recommends libicu-dev pkg-config gcc g++ \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir "uv==0.13.8"
WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
COPY embargo ./embargo
COPY scripts ./scripts
# the locked runtime dependencies, then mypy and setuptools only to compile the core into .native/
RUN uv sync --frozen --no-dev --python python3.11 \
    && uv pip install --python .venv/bin/python "mypy>=2.0" "setuptools>=75" \
    && .venv/bin/python scripts/build_native.py \
    && uv pip uninstall --python .venv/bin/python mypy setuptools

FROM python:3.11-slim-bookworm
RUN apt-get update \
    && apt-get install -y --no-install-recommends libicu72 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 embargo
WORKDIR /app
COPY --from=build --chown=embargo:embargo /app /app
USER 10001
ENV PATH=/app/.venv/bin:$PATH \
    EMBARGO_DB=/home/embargo/data/embargo.db
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=120s \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"]
ENTRYPOINT ["embargo"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
