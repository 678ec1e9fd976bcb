// Publishing through a request template: placeholders filled in every string, one request per
// alert against a real HTTP server, the marker as the alert id.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertInput } from '../../../src/protocol/index.js';
import { RunnerError, RunnerErrorCode } from '../../../src/runner/errors.js';
import {
  createTemplatePublish,
  fillTemplate,
  missingTemplateEnv,
  type TemplateValues,
} from '../../../src/runner/harness/template-publish.js';
import type { PublishTarget } from '../../../src/runner/scenario/types.js';
import { shorthandPublish } from '../../../src/runner/scenario/validate-target.js';

type HttpPublish = Extract<PublishTarget, { kind: 'http' }>;

/** The `publish: <path>` request of a scenario. */
function shorthand(path: string): HttpPublish {
  const template = shorthandPublish(path);
  if (template.kind !== 'http') throw new Error(`expected an http request, got ${template.kind}`);
  return template;
}

const VALUES: TemplateValues = {
  user: 'alice',
  marker: 'sw-k1',
  severity: 'HIGH',
  title: 'Credential leak',
  detectedAt: '2024-05-01T10:00:00.000Z',
  publisherToken: 'pub-token',
};

const ALERT: AlertInput = {
  userId: 'alice',
  severity: 'CRITICAL',
  title: 'Password found in a paste',
  source: 'stormwatch',
  detectedAt: '2024-05-01T10:00:00.000Z',
};

describe('fillTemplate', () => {
  it('fills every placeholder in nested objects and lists, leaving other values alone', () => {
    const template = {
      to: '/users/{user}/alerts',
      alerts: [
        { id: '{marker}', level: '{severity}', text: '{title} at {detectedAt}' },
        ['{user}', '{user}'],
        3,
        true,
        null,
      ],
      auth: 'Bearer {publisherToken}',
      key: '${API_KEY}',
      unset: '${NOT_SET}',
      other: '{unknown} {USER} $API_KEY',
    };
    expect(fillTemplate(template, VALUES, { API_KEY: 'key-1' })).toEqual({
      to: '/users/alice/alerts',
      alerts: [
        {
          id: 'sw-k1',
          level: 'HIGH',
          text: 'Credential leak at 2024-05-01T10:00:00.000Z',
        },
        ['alice', 'alice'],
        3,
        true,
        null,
      ],
      auth: 'Bearer pub-token',
      key: 'key-1',
      unset: '',
      other: '{unknown} {USER} $API_KEY',
    });
  });

  it('inserts values as they are: a title holding a placeholder or $& is not expanded', () => {
    const values = { ...VALUES, title: '{user} lost $& ${API_KEY}' };
    expect(fillTemplate('[{title}]', values, { API_KEY: 'key-1' })).toBe(
      '[{user} lost $& ${API_KEY}]',
    );
  });
});

describe('missingTemplateEnv', () => {
  it('names each unset or empty variable once, from url, headers and body', () => {
    const template: HttpPublish = {
      kind: 'http',
      method: 'POST',
      url: 'https://${HOST}/alerts?key=${KEY}',
      headers: { 'x-api-key': '${KEY}', 'x-tenant': '${TENANT}' },
      body: { id: '{marker}', region: ['${REGION}'] },
    };
    expect(missingTemplateEnv(template, { HOST: 'alerts.example', REGION: '' })).toEqual([
      'KEY',
      'TENANT',
      'REGION',
    ]);
    expect(missingTemplateEnv(template, { HOST: 'h', KEY: 'k', TENANT: 't', REGION: 'r' })).toEqual(
      [],
    );
    expect(missingTemplateEnv({ ...template, body: undefined }, {})).toEqual([
      'HOST',
      'KEY',
      'TENANT',
    ]);
  });
});

interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: unknown;
}

describe('createTemplatePublish', () => {
  let server: Server;
  let origin: string;
  let received: Received[];
  let status: number;
  const envName = 'STORMWATCH_TEST_PUBLISH_KEY';

  beforeEach(async () => {
    received = [];
    status = 201;
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        received.push({
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: text === '' ? undefined : JSON.parse(text),
        });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(status < 300 ? '{"ok":true}' : '{"error":"broker down"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    delete process.env[envName];
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error === undefined ? resolve() : reject(error))),
    );
  });

  it('sends the shorthand request to a path on the origin; the id is the marker', async () => {
    let tokens = 0;
    const publish = createTemplatePublish({
      template: shorthand('/publish'),
      origin: () => origin,
      publisherToken: () => Promise.resolve(`pub-${++tokens}`),
    });
    expect(await publish(ALERT, 'k-17')).toEqual({ id: 'sw-k-17' });
    expect(await publish({ ...ALERT, userId: 'bob' }, 'k-18')).toEqual({ id: 'sw-k-18' });
    expect(received).toHaveLength(2);
    const [first, second] = received;
    expect(first).toMatchObject({ method: 'POST', url: '/publish' });
    expect(first!.headers.authorization).toBe('Bearer pub-1');
    expect(first!.headers['content-type']).toBe('application/json');
    expect(first!.body).toEqual({
      userId: 'alice',
      alert: {
        id: 'sw-k-17',
        severity: 'CRITICAL',
        title: 'Password found in a paste',
        source: 'stormwatch',
        detectedAt: '2024-05-01T10:00:00.000Z',
      },
    });
    expect(second!.headers.authorization).toBe('Bearer pub-2');
    expect(second!.body).toMatchObject({ userId: 'bob', alert: { id: 'sw-k-18' } });
  });

  it('fills an absolute url, headers with the publisher token and ${ENV}, and the method', async () => {
    process.env[envName] = 'key-42';
    const publish = createTemplatePublish({
      template: {
        kind: 'http',
        method: 'PUT',
        url: `${origin}/users/{user}/alerts/{marker}?severity={severity}`,
        headers: {
          'x-publisher': 'Token {publisherToken}',
          'x-api-key': `\${${envName}}`,
          'content-type': 'application/json',
        },
        body: { ref: '{marker}', tags: ['{severity}', 'stormwatch'] },
      },
      origin: () => {
        throw new Error('an absolute url needs no origin');
      },
      publisherToken: () => Promise.resolve('pub-token'),
    });
    expect(await publish(ALERT, 'k-1')).toEqual({ id: 'sw-k-1' });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      method: 'PUT',
      url: '/users/alice/alerts/sw-k-1?severity=CRITICAL',
      body: { ref: 'sw-k-1', tags: ['CRITICAL', 'stormwatch'] },
    });
    expect(received[0]!.headers['x-publisher']).toBe('Token pub-token');
    expect(received[0]!.headers['x-api-key']).toBe('key-42');
  });

  it('sends no body with GET', async () => {
    const publish = createTemplatePublish({
      template: {
        kind: 'http',
        method: 'GET',
        url: '/notify?user={user}&id={marker}',
        headers: {},
        body: { id: '{marker}' },
      },
      origin: () => origin,
      publisherToken: () => Promise.resolve('pub-token'),
    });
    expect(await publish(ALERT, 'k-2')).toEqual({ id: 'sw-k-2' });
    expect(received).toEqual([
      expect.objectContaining({
        method: 'GET',
        url: '/notify?user=alice&id=sw-k-2',
        body: undefined,
      }),
    ]);
  });

  it('rejects an answer outside 2xx, naming method, URL and status', async () => {
    status = 500;
    const publish = createTemplatePublish({
      template: shorthand('/publish'),
      origin: () => origin,
      publisherToken: () => Promise.resolve('pub-token'),
    });
    const error = await publish(ALERT, 'k-3').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RunnerError);
    expect((error as RunnerError).code).toBe(RunnerErrorCode.SERVER_FAILED);
    expect((error as RunnerError).message).toBe(`publish POST ${origin}/publish answered 500`);
    expect(received).toHaveLength(1);

    status = 302;
    await expect(publish(ALERT, 'k-4')).rejects.toThrow(
      `publish POST ${origin}/publish answered 302`,
    );
    status = 204;
    expect(await publish(ALERT, 'k-5')).toEqual({ id: 'sw-k-5' });
  });
});
