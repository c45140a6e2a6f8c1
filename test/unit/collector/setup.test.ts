import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { agentEnvironment, codexConfigToml, liteLlmSnippet, redactRemoteUrl, resourceAttributes, shellExports } from '../../../src/collector/setup';

const input = { endpoint: 'http://127.0.0.1:14318', token: 'tok_abcdefghijklmnop-XYZ' };

describe('collector setup texts', () => {
  it('percent-encodes VCS resource attributes and keeps the user\'s own in front', () => {
    const v = resourceAttributes({ repoUrl: 'https://github.com/acme/api.git', branch: 'feat/a,b=c ü', existingResourceAttributes: 'team=core, vcs.ref.head.name=old' });
    assert.equal(v, 'team=core,vcs.repository.url.full=https%3A%2F%2Fgithub.com%2Facme%2Fapi.git,vcs.ref.head.name=feat%2Fa%2Cb%3Dc%20%C3%BC');
    // Decoding each value the way OpenTelemetry SDKs do gives the originals back.
    const pairs = Object.fromEntries(v.split(',').map((p) => p.split('=').map(decodeURIComponent)));
    assert.equal(pairs['vcs.ref.head.name'], 'feat/a,b=c ü');
  });

  it('never passes on credentials embedded in a remote URL', () => {
    assert.equal(redactRemoteUrl('https://user:ghp_secret@github.com/acme/api.git'), 'https://github.com/acme/api.git');
    assert.equal(redactRemoteUrl('git@github.com:acme/api.git'), 'git@github.com:acme/api.git');
    assert.ok(!agentEnvironment({ ...input, repoUrl: 'https://x:secret@github.com/a/b' }).OTEL_RESOURCE_ATTRIBUTES!.includes('secret'));
  });

  it('produces shell exports that a real shell reads back unchanged', () => {
    const env = agentEnvironment({ ...input, repoUrl: "https://github.com/o'neil/api", branch: 'main' });
    const script = `${shellExports(env)}\nenv`;
    const out = execFileSync('sh', ['-c', script], { env: {}, encoding: 'utf8' });
    for (const [k, v] of Object.entries(env)) assert.ok(out.split('\n').includes(`${k}=${v}`), k);
    assert.equal(env.OTEL_EXPORTER_OTLP_HEADERS, `Authorization=Bearer ${input.token}`);
    assert.equal(env.CLAUDE_CODE_ENABLE_TELEMETRY, '1');
    assert.equal(env.GEMINI_TELEMETRY_LOG_PROMPTS, 'false');
  });

  it('points Codex at the logs route and LiteLLM at its route, with the token', () => {
    const toml = codexConfigToml({ ...input, protocol: 'http/json' });
    assert.match(toml, /^\[otel\.exporter\."otlp-http"\]\nendpoint = "http:\/\/127\.0\.0\.1:14318\/v1\/logs"\nprotocol = "json"$/m);
    assert.match(toml, /"Authorization" = "Bearer tok_abcdefghijklmnop-XYZ"/);
    assert.match(liteLlmSnippet(input), /endpoint: http:\/\/127\.0\.0\.1:14318\/v1\/litellm/);
  });
});
