import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { envDetector } from '@opentelemetry/resources';
import { repoSlugFromUrl } from '../../../src/core/normalize/repo';
import {
  agentEnvironment,
  canonicalRepoUrl,
  codexConfigToml,
  liteLlmSnippet,
  redactRemoteUrl,
  resourceAttributes,
  shellExports,
} from '../../../src/collector/setup';

const input = { endpoint: 'http://127.0.0.1:14318', token: 'tok_abcdefghijklmnop-XYZ' };

describe('collector setup texts', () => {
  it("percent-encodes VCS resource attributes and keeps the user's own in front", () => {
    const v = resourceAttributes({
      repoUrl: 'https://github.com/acme/api.git',
      branch: 'feat/a,b=c ü',
      existingResourceAttributes: 'team=core, vcs.ref.head.name=old',
    });
    assert.equal(v, 'team=core,vcs.repository.url.full=https://github.com/acme/api,vcs.ref.head.name=feat/a%2Cb%3Dc%20%C3%BC');
    // The OpenTelemetry JS SDK's own parser (what Claude Code and Gemini CLI run) reads the originals back.
    const saved = process.env.OTEL_RESOURCE_ATTRIBUTES;
    process.env.OTEL_RESOURCE_ATTRIBUTES = v;
    let parsed: unknown;
    try {
      parsed = envDetector.detect().attributes;
    } finally {
      if (saved === undefined) delete process.env.OTEL_RESOURCE_ATTRIBUTES;
      else process.env.OTEL_RESOURCE_ATTRIBUTES = saved;
    }
    assert.deepEqual(parsed, { team: 'core', 'vcs.repository.url.full': 'https://github.com/acme/api', 'vcs.ref.head.name': 'feat/a,b=c ü' });
  });

  it('gives the canonical https URL of a remote (OTel vcs.repository.url.full)', () => {
    for (const [remote, url] of [
      ['git@github.com:acme/api.git', 'https://github.com/acme/api'],
      ['ssh://git@github.com/acme/api.git', 'https://github.com/acme/api'],
      ['https://gitlab.example.com/group/sub/api.git/', 'https://gitlab.example.com/group/sub/api'],
      ['https://tok:x-oauth@github.com/acme/api', 'https://github.com/acme/api'],
    ]) {
      assert.equal(canonicalRepoUrl(remote!), url, remote);
      assert.equal(repoSlugFromUrl(url), repoSlugFromUrl(remote), 'the same owner/name either way');
    }
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
