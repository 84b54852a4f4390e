import type { ProviderKind } from '../../shared/api.ts';
import { customProvider } from './custom/index.ts';
import type { Provider } from './types.ts';

export type ProviderRegistry = Partial<Record<ProviderKind, Provider>>;

/** The providers this server can check; Google and Microsoft join when configured. */
export function defaultProviders(): ProviderRegistry {
  return { custom: customProvider };
}
