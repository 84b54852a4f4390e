import type { ProviderKind } from '../../shared/api.ts';
import type { Config } from '../config/index.ts';
import type { HostGuard } from '../net/index.ts';
import { customProvider } from './custom/index.ts';
import { googleProvider } from './google/index.ts';
import { microsoftProvider } from './microsoft/index.ts';
import type { OAuthProvider, Provider } from './types.ts';

export type ProviderRegistry = Partial<Record<ProviderKind, Provider>>;

/**
 * The providers this server can check; Google and Microsoft join when their client is
 * configured. Mail servers (custom hosts, Microsoft's IMAP and SMTP) are reached through `hosts`.
 */
export function defaultProviders(config: Pick<Config, 'google' | 'microsoft'>, hosts: HostGuard): ProviderRegistry {
  return {
    custom: customProvider(hosts),
    ...(config.google.clientId ? { google: googleProvider(config.google) } : {}),
    ...(config.microsoft.clientId ? { microsoft: microsoftProvider(config.microsoft, hosts) } : {}),
  };
}

export function isOAuthProvider(provider: Provider | undefined): provider is OAuthProvider {
  return provider?.kind === 'google' || provider?.kind === 'microsoft';
}
