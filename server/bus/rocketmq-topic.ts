import { z } from 'zod';

/** The one RocketMQ topic Roost's bus uses, made by `npm run rocketmq` (or an operator's mqadmin): gRPC clients never create topics. */
export const ROCKETMQ_TOPIC = 'roost-bus';

/**
 * ROCKETMQ_NAMESPACE as RocketMQ accepts it (NamespaceUtil: no `%`, which separates it from
 * the name); unset or empty, none. One rule for the nodes' environment and `npm run rocketmq`.
 */
export const rocketMqNamespace = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, _ or -')
  .default('');

/**
 * A topic or consumer group inside `namespace`, spelt as RocketMQ spells it (`ns%name`).
 * Roost wraps the names itself: the Node client (1.0.8) sends the namespace only as a
 * header, which proxy 5.3.3 does not apply — two namespaces on one proxy heard each other's
 * messages (measured) — and a proxy that does wrap leaves a name already wrapped as it is.
 */
export function inNamespace(namespace: string, name: string): string {
  return namespace ? `${namespace}%${name}` : name;
}
