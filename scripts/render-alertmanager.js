#!/usr/bin/env node
// Renders dashboards/alertmanager/alertmanager.yml.tmpl (or the file given) with the
// environment: every ${NAME} is replaced by process.env.NAME, or its default below. A name with
// neither is an error naming it, so Alertmanager never starts with an empty smarthost.
//   node scripts/render-alertmanager.js [template] > alertmanager.yml
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

const DEFAULTS = {
  STORMWATCH_ALERT_EMAIL_FROM: 'alertmanager@stormwatch.local',
  STORMWATCH_SMTP_REQUIRE_TLS: 'true',
};

const file =
  process.argv[2] ?? new URL('../dashboards/alertmanager/alertmanager.yml.tmpl', import.meta.url);
const template = readFileSync(file, 'utf8');
const missing = new Set();
const rendered = template.replace(/\$\{([A-Z][A-Z0-9_]*)\}/g, (_whole, name) => {
  const value = process.env[name] ?? DEFAULTS[name];
  if (value === undefined || value === '') {
    missing.add(name);
    return '';
  }
  // Values land inside YAML quotes or as booleans: a quote or newline would break the file.
  if (/['\n\r]/.test(value)) {
    process.stderr.write(`render-alertmanager: ${name} must not contain quotes or newlines\n`);
    process.exit(2);
  }
  return value;
});
if (missing.size > 0) {
  process.stderr.write(
    `render-alertmanager: set ${[...missing].join(', ')} (see the comment at the top of the template)\n`,
  );
  process.exit(2);
}
process.stdout.write(rendered);
