/** What Roost nodes say of themselves over a stretch of a benchmark, from their /metrics. */

/** One value of a Prometheus text exposition, summed over label sets that match. */
export function metric(text: string, name: string, labels = ''): number {
  let sum = 0;
  for (const l of text.split('\n')) if (l.startsWith(name) && l.includes(labels) && /[ {]/.test(l[name.length] ?? '')) sum += Number(l.slice(l.lastIndexOf(' ') + 1));
  return sum;
}

/**
 * Each node's own account of a phase: event-loop delay p99 and max (prom-client resets
 * them at every scrape, so a scrape before the phase starts them afresh), and time spent
 * in garbage collection, major and all, since the scrape before.
 */
export async function nodeDiagnostics(urls: string[], before: Map<string, string>): Promise<string> {
  const parts: string[] = [];
  for (const url of urls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    const prev = before.get(url) ?? '';
    const gc = (kind: string) => (metric(text, 'roost_nodejs_gc_duration_seconds_sum', kind) - metric(prev, 'roost_nodejs_gc_duration_seconds_sum', kind)) * 1000;
    const delta = (name: string) => metric(text, name) - metric(prev, name);
    const perWrite = delta('roost_live_messages_pushed_total') / delta('roost_live_socket_writes_total');
    parts.push(
      `loop p99 ${(metric(text, 'roost_nodejs_eventloop_lag_p99_seconds') * 1000).toFixed(1)} / max ${(metric(text, 'roost_nodejs_eventloop_lag_max_seconds') * 1000).toFixed(0)} ms, GC ${gc('')
        .toFixed(0)} ms (major ${gc('kind="major"').toFixed(0)}), ${Number.isFinite(perWrite) ? perWrite.toFixed(2) : '–'} frames a socket write`,
    );
    before.set(url, text);
  }
  return parts.join('; ');
}
