// Publishing to a foreign service: one HTTP request per alert, built from the target's template.
import type { AlertInput } from '../../protocol/index.js';
import { RunnerError, RunnerErrorCode } from '../errors.js';
import type { PublishTarget } from '../scenario/types.js';
import type { PublishFn } from './publisher.js';

type HttpPublish = Extract<PublishTarget, { kind: 'http' }>;

/** What a template's placeholders stand for, for one alert. */
export interface TemplateValues {
  user: string;
  marker: string;
  severity: string;
  title: string;
  detectedAt: string;
  publisherToken: string;
}

const PLACEHOLDER =
  /\{(user|marker|severity|title|detectedAt|publisherToken)\}|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Environment variables a template names (`${NAME}`) that are not set. */
export function missingTemplateEnv(template: HttpPublish, env = process.env): string[] {
  const names = new Set<string>();
  const text = JSON.stringify([template.url, template.headers, template.body ?? null]);
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[2];
    if (name !== undefined && (env[name] === undefined || env[name] === '')) names.add(name);
  }
  return [...names];
}

/** `value` with every placeholder in every string filled in (objects and lists walked). */
export function fillTemplate(value: unknown, values: TemplateValues, env = process.env): unknown {
  if (typeof value === 'string') {
    return value.replace(
      PLACEHOLDER,
      (_whole, key: keyof TemplateValues | undefined, name?: string) =>
        key !== undefined ? values[key] : (env[name!] ?? ''),
    );
  }
  if (Array.isArray(value)) return value.map((item) => fillTemplate(item, values, env));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, fillTemplate(v, values, env)]),
    );
  }
  return value;
}

/** Options of {@link createTemplatePublish}. */
export interface TemplatePublishOptions {
  template: HttpPublish;
  /** `http://host:port` a path-only URL is resolved against (the target's HTTP origin). */
  origin: () => string;
  publisherToken: () => Promise<string>;
}

/**
 * A publish function that sends the template's request for each alert. The alert's id is its
 * marker (the idempotency key, unique per alert and the same on a retry): a delivery is matched
 * by the id the client's profile reads where the template put `{marker}`. Any 2xx answer counts
 * as accepted.
 */
export function createTemplatePublish(options: TemplatePublishOptions): PublishFn {
  const { template } = options;
  return async (input: AlertInput, key: string) => {
    const marker = `sw-${key}`;
    const values: TemplateValues = {
      user: input.userId,
      marker,
      severity: input.severity,
      title: input.title,
      detectedAt: input.detectedAt,
      publisherToken: await options.publisherToken(),
    };
    // Values in the URL are percent-encoded; the rest go in as they are.
    const encoded: TemplateValues = {
      user: encodeURIComponent(values.user),
      marker: encodeURIComponent(values.marker),
      severity: encodeURIComponent(values.severity),
      title: encodeURIComponent(values.title),
      detectedAt: encodeURIComponent(values.detectedAt),
      publisherToken: encodeURIComponent(values.publisherToken),
    };
    const filledUrl = fillTemplate(template.url, encoded) as string;
    const url = filledUrl.startsWith('/') ? options.origin() + filledUrl : filledUrl;
    const headers = fillTemplate(template.headers, values) as Record<string, string>;
    const response = await fetch(url, {
      method: template.method,
      headers,
      ...(template.body === undefined || template.method === 'GET'
        ? {}
        : { body: JSON.stringify(fillTemplate(template.body, values)) }),
      signal: AbortSignal.timeout(10_000),
      // A redirect is an answer to report, not one to follow with the publisher's token.
      redirect: 'manual',
    });
    await response.arrayBuffer().catch(() => undefined);
    if (response.status < 200 || response.status > 299) {
      throw new RunnerError(
        RunnerErrorCode.SERVER_FAILED,
        `publish ${template.method} ${url} answered ${response.status}`,
      );
    }
    return { id: marker };
  };
}
