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
