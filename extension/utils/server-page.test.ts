import { describe, expect, it } from 'vitest';
import { serverPage } from './server-page.ts';

describe('serverPage: the extension opens only its own server’s pages', () => {
  const server = 'https://regrant.acme.test';
  it.each([
    ['javascript:', 'javascript:alert(document.cookie)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['another https host', 'https://accounts.google.com.evil.test/o/oauth2/auth'],
    ['a look-alike host', 'https://regrant.acme.test.evil.test/oauth/start/rg_x'],
    ['another port', 'https://regrant.acme.test:8443/oauth/start/rg_x'],
    ['plain http to the same, non-loopback host', 'http://regrant.acme.test/oauth/start/rg_x'],
    ['credentials in the address', 'https://user:pw@regrant.acme.test/oauth/start/rg_x'],
    ['not text', 42],
    ['not a URL', 'oauth/start/rg_x'],
  ])('refuses %s', (_why, value) => {
    expect(serverPage(value, server)).toBeNull();
  });

  it('accepts the server’s own origin, as the URL parser writes it', () => {
    expect(serverPage('https://regrant.acme.test/oauth/start/rg_abc', server)).toBe('https://regrant.acme.test/oauth/start/rg_abc');
    expect(serverPage('HTTPS://Regrant.ACME.test:443/r/tok?x=<y>', server)).toBe('https://regrant.acme.test/r/tok?x=%3Cy%3E');
    expect(serverPage('https://regrant.acme.test/r/t', 'https://regrant.acme.test/')).toBe('https://regrant.acme.test/r/t');
  });

  it('accepts plain http only on this computer, and then only from that same server', () => {
    expect(serverPage('http://127.0.0.1:8787/oauth/start/rg_x', 'http://127.0.0.1:8787')).toBe('http://127.0.0.1:8787/oauth/start/rg_x');
    expect(serverPage('http://localhost:8787/r/t', 'http://localhost:8787')).toBe('http://localhost:8787/r/t');
    expect(serverPage('http://[::1]:8787/r/t', 'http://[::1]:8787')).toBe('http://[::1]:8787/r/t');
    expect(serverPage('http://localhost:8787/r/t', 'http://127.0.0.1:8787')).toBeNull();
    expect(serverPage('http://192.168.1.10:8787/r/t', 'http://192.168.1.10:8787')).toBeNull();
  });
});
