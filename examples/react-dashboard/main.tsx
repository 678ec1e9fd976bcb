// A breach-alert dashboard on stormwatch/react: the status badge in the header, the
// collapsible health monitor, toasts, and the alerts as cards. Bundled by
// scripts/build-react-example.js; settings come from the query string (see README.md).
// In an app, import from 'stormwatch/react'.
import { StrictMode, useMemo } from 'react';
import { createRoot } from 'react-dom/client';
import {
  ConnectionHealthMonitor,
  ConnectionStatusBadge,
  ConnectionToasts,
  useAlertClient,
  type BreachAlert,
  type TokenProvider,
} from '../../src/react/index.js';
import { parseDashboardParams, readTokenClaims, type DashboardParams } from './params.js';

/** What the page runs with once it has a token. */
interface DashboardConfig {
  params: DashboardParams;
  server: string;
  userId: string;
  getToken: TokenProvider;
}

function AlertCard({ alert }: { alert: BreachAlert }) {
  const severity = alert.severity.toLowerCase();
  return (
    <li className={`alert-card alert-card--${severity}`} data-id={alert.id} data-seq={alert.seq}>
      <div className="alert-card__top">
        <span className="alert-card__severity">{alert.severity}</span>
        <span className="alert-card__seq">#{alert.seq}</span>
      </div>
      <h3 className="alert-card__title">{alert.title}</h3>
      <dl className="alert-card__facts">
        <div>
          <dt>Source</dt>
          <dd className="alert-card__source">{alert.source}</dd>
        </div>
        <div>
          <dt>Detected</dt>
          <dd>
            <time dateTime={alert.detectedAt}>{new Date(alert.detectedAt).toLocaleString()}</time>
          </dd>
        </div>
      </dl>
    </li>
  );
}

function Dashboard({ config }: { config: DashboardConfig }) {
  const { params, server, userId, getToken } = config;
  const view = useAlertClient({
    url: server,
    userId,
    getToken,
    backoff: params.backoff,
    heartbeat: params.heartbeat,
    statsWindowMs: params.windowMs,
    // Behind a proxy that does not pass WebSocket, alerts keep coming by long polling.
    fallback: true,
  });
  const host = useMemo(() => new URL(server).host, [server]);
  return (
    <>
      <header className="masthead">
        <div>
          <h1>Breach alerts</h1>
          <p className="masthead__subtitle">
            user {userId} · {host}
          </p>
        </div>
        <ConnectionStatusBadge view={view} />
      </header>
      <main>
        {params.problems.length > 0 && (
          <div className="problems" role="alert">
            <p>Some settings were ignored:</p>
            <ul>
              {params.problems.map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          </div>
        )}
        <ConnectionHealthMonitor view={view} windowMs={params.windowMs} />
        <section className="alerts" aria-labelledby="alerts-heading">
          <h2 id="alerts-heading">
            Alerts <span className="alerts__count">{view.alerts.length}</span>
          </h2>
          {view.alerts.length === 0 ? (
            <p className="alerts__empty">No alerts yet. They appear here as they are published.</p>
          ) : (
            <ol className="alerts__list">
              {view.alerts.map((alert) => (
                <AlertCard key={alert.id} alert={alert} />
              ))}
            </ol>
          )}
        </section>
      </main>
      <ConnectionToasts view={view} autoDismissMs={params.toastMs} />
    </>
  );
}

/** The page's settings plus who it follows, or what is missing. */
function configure(params: DashboardParams): DashboardConfig | string {
  const { server, token } = params;
  if (server === undefined) return 'Add ?server=http://host:port (the alert server) to the URL.';
  if (token === undefined) {
    return 'Add &token=<user JWT> to the URL: `stormwatch serve --demo` prints one.';
  }
  const userId = params.user ?? readTokenClaims(token)?.sub;
  if (userId === undefined) return 'The token is not a JWT with a sub claim; add &user= too.';
  return { params, server, userId, getToken: () => token };
}

function boot(): void {
  const root = createRoot(document.getElementById('root')!);
  const params = parseDashboardParams(globalThis.location.search, globalThis.location.origin);
  const config = configure(params);
  root.render(
    <StrictMode>
      {typeof config === 'string' ? (
        <main>
          <p className="problems" role="alert">
            {config}
          </p>
        </main>
      ) : (
        <Dashboard config={config} />
      )}
    </StrictMode>,
  );
}

boot();
