# The PolicyGraph API image used by docker-compose.yml.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY policygraph ./policygraph
COPY data ./data
RUN pip install --no-cache-dir .
EXPOSE 8000
CMD ["policygraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
