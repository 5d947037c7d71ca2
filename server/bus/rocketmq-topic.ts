/** The one RocketMQ topic Roost's bus uses, made by `npm run rocketmq` (or an operator's mqadmin): gRPC clients never create topics. */
export const ROCKETMQ_TOPIC = 'roost-bus';

/** What RocketMQ accepts as a namespace (NamespaceUtil: no `%`, which separates it from the name). */
export const ROCKETMQ_NAMESPACE_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A topic or consumer group inside `namespace`, spelt as RocketMQ spells it (`ns%name`).
 * Roost wraps the names itself: the Node client (1.0.8) sends the namespace only as a
 * header, which proxy 5.3.3 does not apply — two namespaces on one proxy heard each other's
 * messages (measured) — and a proxy that does wrap leaves a name already wrapped as it is.
 */
export function inNamespace(namespace: string, name: string): string {
  return namespace ? `${namespace}%${name}` : name;
}
