/** The public GitHub REST API root. */
export const DEFAULT_API_URL = 'https://api.github.com';

/**
 * The web host of a REST API root: `api.github.com` → `github.com`, `api.acme.ghe.com` → `acme.ghe.com`
 * (GitHub Enterprise Cloud with data residency), `https://ghe.example.com/api/v3` → `ghe.example.com`.
 */
export function webHost(apiUrl: string): string {
  const host = new URL(apiUrl || DEFAULT_API_URL).hostname.toLowerCase();
  return host.startsWith('api.') ? host.slice(4) : host;
}
