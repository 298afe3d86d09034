// DNS-rebinding and cross-site guards: a server bound to loopback answers only loopback Host headers and loopback (or no) Origins.

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The host name of a Host header: `127.0.0.1:8787` -> `127.0.0.1`, `[::1]:8787` -> `::1`. */
export function hostName(header: string): string {
  const bracketed = /^\[([^\]]+)\](:\d+)?$/.exec(header);
  if (bracketed) return bracketed[1]!.toLowerCase();
  return header.replace(/:\d+$/, '').toLowerCase();
}

/**
 * A web page the operator opens could point its own domain at 127.0.0.1 and read the API through the browser;
 * its requests then carry that domain in Host, which this refuses.
 */
export function hostAllowed(bindHost: string, header: string | undefined): boolean {
  if (!isLoopbackHost(bindHost)) return true;
  return header !== undefined && isLoopbackHost(hostName(header));
}

/**
 * Browsers do not apply CORS to WebSockets: any page could open the event stream on 127.0.0.1. They do send
 * Origin, so a loopback bind refuses a foreign one; programs (curl, the CLI, ws) send none and pass.
 */
export function originAllowed(bindHost: string, origin: string | undefined): boolean {
  if (!isLoopbackHost(bindHost) || origin === undefined) return true;
  try {
    return isLoopbackHost(hostName(new URL(origin).host));
  } catch {
    return false;
  }
}
