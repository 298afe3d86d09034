// Specs of the DNS-rebinding guard: loopback binds answer loopback Host headers only; wider binds are the operator's choice.
import { describe, expect, it } from 'vitest';
import { hostAllowed, hostName, isLoopbackHost, originAllowed } from '../../../engine/server/host-guard.ts';

describe('host guard', () => {
  it('parses host names out of Host headers, IPv6 included', () => {
    expect(hostName('127.0.0.1:8787')).toBe('127.0.0.1');
    expect(hostName('[::1]:8787')).toBe('::1');
    expect(hostName('LocalHost')).toBe('localhost');
  });

  it('knows the loopback names', () => {
    expect(['localhost', '127.0.0.1', '127.1.2.3', '::1'].every(isLoopbackHost)).toBe(true);
    expect(['10.0.0.1', 'localhost.evil.com', '0.0.0.0', '128.0.0.1'].some(isLoopbackHost)).toBe(false);
  });

  it('allows only loopback Host headers on a loopback bind', () => {
    expect(hostAllowed('127.0.0.1', '127.0.0.1:8787')).toBe(true);
    expect(hostAllowed('127.0.0.1', 'attacker.example')).toBe(false);
    expect(hostAllowed('127.0.0.1', undefined)).toBe(false);
    expect(hostAllowed('0.0.0.0', 'dashboard.internal')).toBe(true);
  });

  it('allows no Origin (programs) or a loopback one, and refuses a foreign page on a loopback bind', () => {
    expect(originAllowed('127.0.0.1', undefined)).toBe(true);
    expect(originAllowed('127.0.0.1', 'http://localhost:3000')).toBe(true);
    expect(originAllowed('127.0.0.1', 'http://[::1]:8787')).toBe(true);
    expect(originAllowed('127.0.0.1', 'https://evil.example')).toBe(false);
    expect(originAllowed('127.0.0.1', 'null')).toBe(false);
    expect(originAllowed('0.0.0.0', 'https://dashboard.internal')).toBe(true);
  });
});
