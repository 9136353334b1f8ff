/**
 * The part the Sentinel and Cluster URL forms share: `<scheme>://[user:password@]host:port[,host:port...][/path]`.
 * `refuse` throws the caller's typed error for a problem (the caller knows the form to show).
 */
export interface NodeListUrl {
  nodes: { host: string; port: number }[];
  username?: string;
  password?: string;
  /** What follows the first '/' after the nodes ('' when there is none). */
  path: string;
}

export function parseNodeListUrl(url: string, scheme: string, node: 'sentinel' | 'node', refuse: (problem: string) => never): NodeListUrl {
  const rest = url.slice(`${scheme}://`.length);
  const slash = rest.indexOf('/');
  // An '@' after the first '/' is a password with an unencoded '/': its pieces would be shown as a node name or a path.
  if (slash >= 0 && rest.indexOf('@', slash) >= 0) refuse("has an '@' after its first '/' (percent-encode '/' as %2F and '@' as %40 in a user or password)");
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const at = authority.lastIndexOf('@');
  const credentials = at < 0 ? '' : authority.slice(0, at);
  const nodes = authority.slice(at + 1).split(',').map((hostPort) => {
    const match = /^([^:]+):(\d{1,5})$/.exec(hostPort);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65_535) return refuse(`has a ${node} that is not host:port (${JSON.stringify(hostPort)})`);
    return { host: match[1]!, port };
  });
  const parsed: NodeListUrl = { nodes, path: slash < 0 ? '' : rest.slice(slash + 1) };
  if (credentials === '') return parsed;
  const colon = credentials.indexOf(':');
  try {
    const username = decodeURIComponent(colon < 0 ? credentials : credentials.slice(0, colon));
    if (username !== '') parsed.username = username;
    if (colon >= 0) parsed.password = decodeURIComponent(credentials.slice(colon + 1));
  } catch {
    refuse('has a malformed %-escape in its user or password');
  }
  return parsed;
}
