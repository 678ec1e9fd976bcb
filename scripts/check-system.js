// Run first by `npm test`: the suite drives real Chromium, Prometheus, Alertmanager, Redis and
// an SMTP sink, which npm cannot install. Missing Debian packages are installed when this runs
// as root on a machine with apt-get (as CI does); otherwise it stops at once with the one
// command to run. A Redis on 127.0.0.1:6379 is started if none answers. `--check` only reports.
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import process from 'node:process';

/** What the tests need, as the command that proves it is there and the package that holds it. */
const NEEDS = [
  { what: 'Chromium', test: ['chromium', '--version'], pkg: 'chromium' },
  { what: 'Prometheus and promtool', test: ['promtool', '--version'], pkg: 'prometheus' },
  { what: 'redis-server', test: ['redis-server', '--version'], pkg: 'redis-server' },
  {
    what: 'Alertmanager and amtool',
    test: ['amtool', '--version'],
    pkg: 'prometheus-alertmanager',
  },
  {
    what: "Python's aiosmtpd (an SMTP sink)",
    test: ['/usr/bin/python3', '-c', 'import aiosmtpd'],
    pkg: 'python3-aiosmtpd',
  },
  {
    what: 'Django Channels, Daphne, channels-redis and PyJWT (the reference Django target)',
    test: ['/usr/bin/python3', '-c', 'import channels, channels_redis, daphne, jwt'],
    pkg: 'python3-django-channels daphne python3-channels-redis python3-jwt',
  },
];

const ok = (argv) => spawnSync(argv[0], argv.slice(1), { stdio: 'ignore' }).status === 0;

function redisAnswers() {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: 6379 }, () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const checkOnly = process.argv.includes('--check');
let missing = NEEDS.filter((need) => !ok(need.test));
if (missing.length > 0) {
  const packages = missing.flatMap((need) => need.pkg.split(' '));
  const canInstall =
    !checkOnly && process.getuid?.() === 0 && ok(['sh', '-c', 'command -v apt-get']);
  if (!canInstall) {
    process.stderr.write(
      `npm test needs ${missing.map((need) => need.what).join(', ')}. Install them with:\n\n` +
        `  sudo apt-get install -y --no-install-recommends ${packages.join(' ')}\n\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`installing ${packages.join(' ')} (apt-get)…\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const argv of [
    ['apt-get', 'update', '-qq'],
    ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...packages],
  ]) {
    const result = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit', env });
    if (result.status !== 0) {
      process.stderr.write(`${argv.join(' ')} failed (exit ${result.status})\n`);
      process.exit(1);
    }
  }
  missing = NEEDS.filter((need) => !ok(need.test));
  if (missing.length > 0) {
    process.stderr.write(`still missing after apt-get: ${missing.map((n) => n.what).join(', ')}\n`);
    process.exit(1);
  }
}

if (!(await redisAnswers())) {
  if (checkOnly) {
    process.stderr.write('no Redis answers on 127.0.0.1:6379 (npm test starts one)\n');
    process.exit(1);
  }
  const result = spawnSync(
    'redis-server',
    [
      '--daemonize',
      'yes',
      '--bind',
      '127.0.0.1',
      '--port',
      '6379',
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    { stdio: 'inherit' },
  );
  if (result.status !== 0 || !(await redisAnswers())) {
    process.stderr.write('could not start redis-server on 127.0.0.1:6379\n');
    process.exit(1);
  }
  process.stdout.write('started redis-server on 127.0.0.1:6379\n');
}
