/**
 * GET a path and read its body, refusing anything but 200. An idle keep-alive socket that
 * the server closed just as undici reused it (after a long in-process phase) fails with
 * UND_ERR_SOCKET before any byte is sent: that one request is retried once and counted, so
 * a benchmark neither dies of it nor hides a server that really drops connections.
 */
export const socketRetries = { count: 0 };

export async function httpGet(url: string): Promise<ArrayBuffer> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    const code = ((err as { cause?: { code?: string } }).cause ?? {}).code;
    if (code !== 'UND_ERR_SOCKET') throw err;
    socketRetries.count++;
    res = await fetch(url);
  }
  if (res.status !== 200) throw new Error(`HTTP ${res.status} for ${url}: ${(await res.text()).slice(0, 200)}`);
  return res.arrayBuffer();
}
