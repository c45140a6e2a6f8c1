/**
 * What points AI agents at the collector: the environment for terminals (Claude Code, Gemini CLI and any
 * OpenTelemetry SDK), the Codex `config.toml` `[otel]` block and a LiteLLM callback snippet. Pure functions
 * shared by the CLI (`prodlens collect`) and the extension (terminal environment, "Copy Collector Setup").
 */

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface SetupInput {
  /** Base URL, e.g. `http://127.0.0.1:14318` (exporters add `/v1/logs` etc.). */
  endpoint: string;
  token: string;
  protocol?: OtlpProtocol;
  /** The workspace's git remote URL and branch, carried as OTel VCS resource attributes. */
  repoUrl?: string | null;
  branch?: string | null;
  /** Attributes already set by the user (`OTEL_RESOURCE_ATTRIBUTES`), kept in front of ours. */
  existingResourceAttributes?: string;
}

/**
 * Percent-encodes a resource attribute value as the OpenTelemetry environment-variable spec requires: every
 * character outside the W3C Baggage value octets (controls, space, `"`, `,`, `;`, `\`, non-ASCII), `%`
 * itself and `=` (the JS SDK discards the whole variable on an unencoded `=`). Other characters stay
 * readable (`https://github.com/acme/api`); SDKs percent-decode values.
 */
export function encodeResourceValue(value: string): string {
  return value.replace(/[^\x21\x23-\x24\x26-\x2B\x2D-\x3A\x3C\x3E-\x5B\x5D-\x7E]+/g, (run) =>
    encodeURIComponent(run).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
  );
}

/**
 * The repository's canonical https URL, as OTel's `vcs.repository.url.full` wants it: credentials removed,
 * scp-like and ssh remotes (`git@github.com:acme/api.git`) turned into `https://github.com/acme/api`, no
 * `.git` suffix. Anything else is returned without credentials.
 */
export function canonicalRepoUrl(remote: string): string {
  const r = remote.trim();
  const scp = /^[\w.-]+@([\w.-]+):(?!\/)(.+?)(?:\.git)?\/?$/.exec(r);
  if (scp && !r.includes('://')) return `https://${scp[1]}/${scp[2]}`;
  try {
    const u = new URL(r);
    if (u.protocol === 'ssh:' || u.protocol === 'git:' || u.protocol === 'https:' || u.protocol === 'http:') {
      const scheme = u.protocol === 'http:' ? 'http' : 'https';
      return `${scheme}://${u.hostname}${u.port && scheme === 'http' ? `:${u.port}` : ''}${u.pathname.replace(/\/+$/, '').replace(/\.git$/i, '')}`;
    }
  } catch {
    // Not a URL: fall through.
  }
  return redactRemoteUrl(r);
}

/** A remote URL without credentials (an https remote may embed a token: never pass it on). */
export function redactRemoteUrl(url: string): string {
  try {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
      const u = new URL(url);
      u.username = '';
      u.password = '';
      return u.toString().replace(/\/$/, '');
    }
  } catch {
    // Not a URL (e.g. scp-like git@host:owner/name.git): nothing to strip.
  }
  return url;
}

/** `OTEL_RESOURCE_ATTRIBUTES` with `vcs.repository.url.full` and `vcs.ref.head.name` (empty when unknown). */
export function resourceAttributes(i: Pick<SetupInput, 'repoUrl' | 'branch' | 'existingResourceAttributes'>): string {
  const parts: string[] = [];
  const existing = (i.existingResourceAttributes ?? '').trim();
  if (existing) {
    for (const p of existing.split(',')) {
      const key = p.split('=')[0]?.trim();
      if (p.trim() && key !== 'vcs.repository.url.full' && key !== 'vcs.ref.head.name') parts.push(p.trim());
    }
  }
  if (i.repoUrl) parts.push(`vcs.repository.url.full=${encodeResourceValue(canonicalRepoUrl(i.repoUrl))}`);
  if (i.branch) parts.push(`vcs.ref.head.name=${encodeResourceValue(i.branch)}`);
  return parts.join(',');
}

/**
 * Environment variables that make Claude Code, Gemini CLI and OpenTelemetry SDKs send to the collector.
 * Prompts are not logged (ProdLens keeps counts, not text).
 */
export function agentEnvironment(i: SetupInput): Record<string, string> {
  const protocol = i.protocol ?? 'http/protobuf';
  const env: Record<string, string> = {
    // Claude Code (code.claude.com/docs/en/monitoring-usage)
    CLAUDE_CODE_ENABLE_TELEMETRY: '1',
    OTEL_LOGS_EXPORTER: 'otlp',
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
    OTEL_EXPORTER_OTLP_ENDPOINT: i.endpoint,
    OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer ${i.token}`,
    // Delta counters: each export carries only what is new (cumulative totals would be re-counted).
    OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta',
    // Gemini CLI (docs "Observability with OpenTelemetry": settings overridable by GEMINI_TELEMETRY_*).
    // Its http exporters use OTLP/JSON and read the auth header from OTEL_EXPORTER_OTLP_HEADERS.
    GEMINI_TELEMETRY_ENABLED: 'true',
    GEMINI_TELEMETRY_TARGET: 'local',
    GEMINI_TELEMETRY_OTLP_ENDPOINT: i.endpoint,
    GEMINI_TELEMETRY_OTLP_PROTOCOL: 'http',
    GEMINI_TELEMETRY_LOG_PROMPTS: 'false',
  };
  const attrs = resourceAttributes(i);
  if (attrs) env.OTEL_RESOURCE_ATTRIBUTES = attrs;
  return env;
}

/** Generic OpenTelemetry variables a developer may set for their own programs. */
const OWN_OTEL = /^OTEL_(EXPORTER_OTLP_|LOGS_EXPORTER$|METRICS_EXPORTER$|TRACES_EXPORTER$|SDK_DISABLED$)/;

/**
 * The environment VS Code gives new integrated terminals: only what points the AI agents at ProdLens.
 *
 * - Agent-specific variables always (`CLAUDE_CODE_ENABLE_TELEMETRY`, `GEMINI_TELEMETRY_*`).
 * - OpenTelemetry variables only per signal, for the two signals the agents send (logs and metrics:
 *   `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` etc.), never the generic `OTEL_EXPORTER_OTLP_ENDPOINT`/`_HEADERS`
 *   nor anything for traces, so a developer's own instrumented programs keep exporting traces where they
 *   did.
 * - None at all when the developer's environment already sets OpenTelemetry exporter variables (`userEnv`,
 *   the environment VS Code was started with): their settings win. Shell start-up files run after these
 *   variables are set, so exports there win too.
 */
export function terminalEnvironment(i: SetupInput, userEnv: Record<string, string | undefined>): Record<string, string> {
  const protocol = i.protocol ?? 'http/protobuf';
  const env: Record<string, string> = {
    CLAUDE_CODE_ENABLE_TELEMETRY: '1',
    GEMINI_TELEMETRY_ENABLED: 'true',
    GEMINI_TELEMETRY_TARGET: 'local',
    GEMINI_TELEMETRY_OTLP_ENDPOINT: i.endpoint,
    GEMINI_TELEMETRY_OTLP_PROTOCOL: 'http',
    GEMINI_TELEMETRY_LOG_PROMPTS: 'false',
  };
  const own = Object.keys(userEnv).filter((k) => OWN_OTEL.test(k) && userEnv[k]);
  if (!own.length) {
    const auth = `Authorization=Bearer ${i.token}`;
    Object.assign(env, {
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: protocol,
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: protocol,
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${i.endpoint}/v1/logs`,
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${i.endpoint}/v1/metrics`,
      OTEL_EXPORTER_OTLP_LOGS_HEADERS: auth,
      OTEL_EXPORTER_OTLP_METRICS_HEADERS: auth,
      OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta',
    });
  }
  const attrs = resourceAttributes({ ...i, existingResourceAttributes: userEnv.OTEL_RESOURCE_ATTRIBUTES ?? i.existingResourceAttributes });
  if (attrs) env.OTEL_RESOURCE_ATTRIBUTES = attrs;
  return env;
}

/** POSIX shell `export` lines (single-quoted, so no value is interpreted by the shell). */
export function shellExports(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => `export ${k}='${v.replace(/'/g, `'\\''`)}'`)
    .join('\n');
}

/** PowerShell equivalents of `shellExports`. */
export function powershellExports(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => `$env:${k} = '${v.replace(/'/g, "''")}'`)
    .join('\n');
}

function tomlString(s: string): string {
  return JSON.stringify(s); // a TOML basic string has JSON's escapes for these characters
}

/**
 * The `~/.codex/config.toml` block for Codex's OpenTelemetry export (Codex docs "config.md", `[otel]`):
 * an `otlp-http` exporter with an explicit logs endpoint, binary (protobuf) or json protocol, and headers.
 */
export function codexConfigToml(i: SetupInput): string {
  const protocol = (i.protocol ?? 'http/protobuf') === 'http/json' ? 'json' : 'binary';
  return [
    '[otel]',
    'log_user_prompt = false',
    '',
    '[otel.exporter."otlp-http"]',
    `endpoint = ${tomlString(`${i.endpoint}/v1/logs`)}`,
    `protocol = ${tomlString(protocol)}`,
    '',
    '[otel.exporter."otlp-http".headers]',
    `"Authorization" = ${tomlString(`Bearer ${i.token}`)}`,
  ].join('\n');
}

/** LiteLLM proxy `config.yaml` excerpt: the generic API logger posting to the collector's LiteLLM route. */
export function liteLlmSnippet(i: SetupInput): string {
  return [
    'litellm_settings:',
    '  callbacks: ["prodlens"]',
    '',
    'callback_settings:',
    '  prodlens:',
    '    callback_type: generic_api',
    `    endpoint: ${i.endpoint}/v1/litellm`,
    '    log_format: json_array',
    '    headers:',
    `      Authorization: Bearer ${i.token}`,
  ].join('\n');
}

/** Everything "Copy Collector Setup" and `prodlens collect` show, as one text. */
export function setupText(i: SetupInput): string {
  const env = agentEnvironment(i);
  return [
    '# ProdLens collector setup',
    `# Endpoint: ${i.endpoint} (loopback only). The token below is a secret: do not commit it.`,
    '',
    '# Terminals outside VS Code (bash/zsh): Claude Code, Gemini CLI and OpenTelemetry SDKs',
    shellExports(env),
    '',
    '# PowerShell',
    powershellExports(env),
    '',
    '# Codex: add to ~/.codex/config.toml',
    codexConfigToml(i),
    '',
    '# LiteLLM proxy: add to config.yaml',
    liteLlmSnippet(i),
    '',
  ].join('\n');
}
