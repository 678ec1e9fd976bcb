# Convenience targets; each is a thin wrapper over an npm script.
.PHONY: install build start test lint bench clean

install:
	npm ci

build:
	npm run build

start:
	npm start

test:
	npm test

lint:
	npm run lint

bench:
	npm run bench

clean:
	rm -rf dist coverage out

# The compose stack (docker-compose.yml): server, Toxiproxy, runner, Prometheus, Grafana.
.PHONY: up down
up:
	docker compose up -d --build
	@echo "Grafana http://localhost:3000 · Prometheus http://localhost:9090 · server http://localhost:8080"

down:
	docker compose down --remove-orphans
