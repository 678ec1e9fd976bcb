import { access, readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadScenario } from '../../src/runner/index.js';
import { ROOT } from './helpers.js';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  profiles?: string[];
  network_mode?: string;
  depends_on?: Record<string, unknown> | string[];
}

async function readCompose(): Promise<{ services: Record<string, Service> }> {
  return parse(await readFile(`${ROOT}docker-compose.yml`, 'utf8'), { merge: true }) as {
    services: Record<string, Service>;
  };
}

/** `${VAR:-default}` → default, as compose interpolates with VAR unset. */
function interpolate(value: string): string {
  return value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
}

/** An image reference pinned to a version: a tag with a digit, never `latest`. */
const PINNED = /^[a-z0-9./-]+(:[0-9]+[\w.-]*|:v[0-9][\w.-]*)(@sha256:[0-9a-f]{64})?$/;

describe('docker-compose.yml (validated statically: no Docker engine here)', () => {
  it('has the stack: server on Redis, toxiproxy, runner, prometheus, grafana, and k6 behind a profile', async () => {
    const { services } = await readCompose();
    expect(Object.keys(services).sort()).toEqual(
      [
        'alert-webhook',
        'alertmanager',
        'alertmanager-config',
        'grafana',
        'k6',
        'mailpit',
        'prometheus',
        'redis',
        'runner',
        'server',
        'server-2',
        'toxiproxy',
      ].sort(),
    );
    // Two instances of one image on one Redis, with the same secret.
    for (const name of ['server', 'server-2']) {
      expect(services[name]?.environment?.STORMWATCH_BROKER, name).toBe('redis://redis:6379');
      expect(services[name]?.depends_on, name).toMatchObject({
        redis: { condition: 'service_healthy' },
      });
    }
    expect(services['server-2']?.image).toBe('stormwatch:local');
    expect(services['server-2']?.command).toEqual(services.server?.command);
    expect(services['server-2']?.environment?.STORMWATCH_JWT_SECRET).toBe(
      services.server?.environment?.STORMWATCH_JWT_SECRET,
    );
    const prometheus = parse(
      await readFile(`${ROOT}dashboards/prometheus/prometheus.yml`, 'utf8'),
    ) as {
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
    };
    const serverJob = prometheus.scrape_configs.find((j) => j.job_name === 'stormwatch-server');
    expect(serverJob?.static_configs.flatMap((c) => c.targets)).toEqual([
      'server:8080',
      'server-2:8080',
    ]);
    expect(services.k6?.profiles).toEqual(['k6']);
    for (const [name, service] of Object.entries(services)) {
      if (name !== 'k6') expect(service.profiles, name).toBeUndefined();
    }
  });

  it('pins every image by version (no latest, no untagged), also the Dockerfile base', async () => {
    const { services } = await readCompose();
    const images = new Map<string, string>();
    for (const [name, service] of Object.entries(services)) {
      if (service.build !== undefined) continue;
      if (service.image === 'stormwatch:local') continue; // built by the `server` service
      expect(service.image, `${name} has no image`).toBeDefined();
      images.set(name, service.image!);
    }
    expect(Object.fromEntries(images)).toEqual({
      toxiproxy: 'ghcr.io/shopify/toxiproxy:2.12.0',
      redis: 'redis:7.2.5-bookworm',
      alertmanager: 'prom/alertmanager:v0.27.0',
      mailpit: 'axllent/mailpit:v1.21.8',
      prometheus: expect.stringMatching(PINNED),
      grafana: 'grafana/grafana:11.6.0',
      k6: expect.stringMatching(PINNED),
    });
    for (const image of images.values()) expect(image).toMatch(PINNED);
    expect(services.server?.build?.dockerfile).toBe('dashboards/docker/Dockerfile');
    const dockerfile = await readFile(`${ROOT}dashboards/docker/Dockerfile`, 'utf8');
    const from = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]!);
    expect(from).toEqual([expect.stringMatching(/^node:20\.\d+\.\d+-/)]);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
  });

  it('mounts only host files that exist', async () => {
    const { services } = await readCompose();
    const mounts = Object.values(services).flatMap((s) => s.volumes ?? []);
    expect(mounts.length).toBeGreaterThanOrEqual(6);
    const named = Object.keys(
      (parse(await readFile(`${ROOT}docker-compose.yml`, 'utf8')) as { volumes?: object })
        .volumes ?? {},
    );
    for (const mount of mounts) {
      const host = mount.split(':')[0]!;
      if (named.includes(host)) continue; // a named volume, declared at the top level
      expect(host.startsWith('.'), `${mount} is a bind mount of a repository path`).toBe(true);
      const path = isAbsolute(host) ? host : resolve(ROOT, host);
      await expect(access(path), `${mount}: ${host} does not exist`).resolves.toBeUndefined();
    }
    const build = services.server?.build;
    await expect(access(resolve(ROOT, build!.context, build!.dockerfile))).resolves.toBeUndefined();
  });

  it('publishes the ports and wires the runner through Toxiproxy to the server', async () => {
    const { services } = await readCompose();
    expect(services.server?.ports).toEqual(['8080:8080']);
    expect(services['server-2']?.ports).toEqual(['8081:8080']);
    expect(services.toxiproxy?.ports).toEqual(['8474:8474']);
    expect(services.prometheus?.ports).toEqual(['9090:9090']);
    expect(services.grafana?.ports).toEqual(['3000:3000']);
    const runner = services.runner!;
    const args = (runner.command ?? []).map(interpolate);
    expect(args.slice(2)).toEqual([
      '--server-url',
      'http://server:8080',
      '--toxiproxy',
      'http://toxiproxy:8474',
      '--proxy-listen',
      '0.0.0.0:20000',
      '--metrics-port',
      '9464',
      '--metrics-host',
      '0.0.0.0',
    ]);
    // --server-url needs the server's secret; the server must verify what the runner signs.
    const secret = services.server?.environment?.STORMWATCH_JWT_SECRET;
    expect(secret).toBeDefined();
    expect(runner.environment?.STORMWATCH_JWT_SECRET).toBe(secret);
    expect(services.k6?.environment?.STORMWATCH_JWT_SECRET).toBe(secret);
    // A --server-url run cannot restart the server: the default scenario has no server.* step.
    const scenario = await loadScenario(resolve(ROOT, args[1]!));
    const steps = [...scenario.method, ...scenario.rollbacks].map((s) => s.action);
    expect(steps.filter((a) => a.startsWith('server.'))).toEqual([]);
    expect(steps.some((a) => a.startsWith('fault.'))).toBe(true);
  });

  it('provisions Grafana (anonymous viewer) and Prometheus (remote write for k6)', async () => {
    const { services } = await readCompose();
    expect(services.grafana?.environment).toMatchObject({
      GF_AUTH_ANONYMOUS_ENABLED: 'true',
      GF_AUTH_ANONYMOUS_ORG_ROLE: 'Viewer',
    });
    expect(services.grafana?.volumes).toContain(
      './dashboards/provisioning:/etc/grafana/provisioning:ro',
    );
    expect(services.prometheus?.command).toContain('--web.enable-remote-write-receiver');
    expect(services.k6?.command).toEqual(expect.arrayContaining(['experimental-prometheus-rw']));
    expect(services.k6?.environment?.K6_PROMETHEUS_RW_SERVER_URL).toBe(
      'http://prometheus:9090/api/v1/write',
    );
    const provider = parse(
      await readFile(`${ROOT}dashboards/provisioning/dashboards/stormwatch.yml`, 'utf8'),
    ) as { providers: Array<{ options: { path: string } }> };
    const dashboardsPath = provider.providers[0]!.options.path;
    for (const file of ['connection-health.json', 'alert-server.json']) {
      expect(services.grafana?.volumes).toContain(
        `./dashboards/${file}:${dashboardsPath}/${file}:ro`,
      );
    }
    const datasource = parse(
      await readFile(`${ROOT}dashboards/provisioning/datasources/prometheus.yml`, 'utf8'),
    ) as { datasources: Array<{ type: string; url: string }> };
    expect(datasource.datasources).toEqual([
      expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090' }),
    ]);
  });

  it('the image copies everything npm ci’s prepare script reads before it runs npm ci', async () => {
    const dockerfile = await readFile(`${ROOT}dashboards/docker/Dockerfile`, 'utf8');
    const lines = dockerfile.split('\n');
    const npmCi = lines.findIndex((l) => /^RUN npm ci\b/.test(l));
    expect(npmCi).toBeGreaterThan(0);
    // What COPY lines before npm ci bring in, by top-level name.
    const copied = new Set<string>();
    for (const line of lines.slice(0, npmCi)) {
      const match = /^COPY (.+) \S+$/.exec(line);
      for (const source of match?.[1]?.split(/\s+/) ?? []) copied.add(source.split('/')[0]!);
    }
    const pkg = JSON.parse(await readFile(`${ROOT}package.json`, 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.prepare).toBe('npm run build');
    // Every file the build script names (node <file>, tsc -p <config>) and the config's sources.
    const named = [...(pkg.scripts.build ?? '').matchAll(/(?:node|-p) (\S+)/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(1);
    const config = JSON.parse(await readFile(`${ROOT}tsconfig.build.json`, 'utf8')) as {
      extends?: string;
      include: string[];
    };
    const needed = [...named, ...config.include, config.extends ?? 'package.json'];
    for (const path of needed) {
      expect(copied, `${path} is read by npm ci's prepare script`).toContain(
        path.replace(/^\.\//, '').split('/')[0],
      );
    }
  });

  it('renders Alertmanager from the template before it starts, and Prometheus sends to it', async () => {
    const { services } = await readCompose();
    const render = services['alertmanager-config']!;
    expect(render.volumes).toContain('./dashboards/alertmanager:/templates:ro');
    expect((render.command ?? []).join(' ')).toContain(
      'node scripts/render-alertmanager.js /templates/alertmanager.yml.tmpl > /rendered/alertmanager.yml',
    );
    // Every variable the template names has a value in compose (the renderer fails on a gap).
    const template = await readFile(`${ROOT}dashboards/alertmanager/alertmanager.yml.tmpl`, 'utf8');
    const names = new Set([...template.matchAll(/\$\{([A-Z][A-Z0-9_]*)\}/g)].map((m) => m[1]!));
    expect(names.size).toBeGreaterThan(3);
    for (const name of names) expect(Object.keys(render.environment ?? {})).toContain(name);
    expect(services.alertmanager?.depends_on).toMatchObject({
      'alertmanager-config': { condition: 'service_completed_successfully' },
    });
    expect(services.alertmanager?.command).toContain('--config.file=/rendered/alertmanager.yml');
    const prometheus = parse(
      await readFile(`${ROOT}dashboards/prometheus/prometheus.yml`, 'utf8'),
    ) as { alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> } };
    expect(prometheus.alerting.alertmanagers[0]!.static_configs[0]!.targets).toEqual([
      'alertmanager:9093',
    ]);
  });
});
