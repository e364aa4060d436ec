/**
 * Flow events for the Authentication Flow WebSocket (spec authflow.md 2, D1/D2): a page waiting
 * for a login link subscribes to the channel named in `websocket_url` and is told
 * `{"kind":"refresh"}` when the link is approved, so it can re-read the state instead of polling.
 */
export interface FlowEventSink {
  send(data: string): void;
}

export class FlowEvents {
  private readonly channels = new Map<string, Set<FlowEventSink>>();

  subscribe(channel: string, sink: FlowEventSink): () => void {
    let set = this.channels.get(channel);
    if (!set) this.channels.set(channel, (set = new Set()));
    set.add(sink);
    return () => {
      set.delete(sink);
      if (set.size === 0) this.channels.delete(channel);
    };
  }

  /** Tells every subscriber of the channel to refresh; returns how many were told. */
  refresh(channel: string): number {
    const set = this.channels.get(channel);
    for (const sink of set ?? []) sink.send(JSON.stringify({ kind: 'refresh' }));
    return set?.size ?? 0;
  }

  get subscriberCount(): number {
    let n = 0;
    for (const set of this.channels.values()) n += set.size;
    return n;
  }
}

const WS_PATH = '/api/v1/authentication_flows/ws';

/** `ws(s)://<origin>/api/v1/authentication_flows/ws?channel=ws_…`, the scheme following the issuer's. */
export function websocketUrl(issuer: string, channel: string): string {
  const u = new URL(WS_PATH, issuer);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.searchParams.set('channel', channel);
  return u.toString();
}

export { WS_PATH };
