/** The environment refused at start with the variable named (loadConfig throws; the CLI prints it as one line and exits 1). */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../server/config';

describe('the environment', () => {
  it('one bus at most: two or three set is refused, naming them', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', AMQP_URL: 'amqp://127.0.0.1' })).toThrow('set one bus, not 2: REDIS_URL and AMQP_URL are set');
    expect(() => loadConfig({ REDIS_URL: 'redis://x', AMQP_URL: 'amqp://x', ROCKETMQ_ENDPOINTS: 'x:8081' })).toThrow(/REDIS_URL and AMQP_URL and ROCKETMQ_ENDPOINTS/);
    expect(loadConfig({ ROCKETMQ_ENDPOINTS: 'mq1:8081,mq2:8081', AMQP_URL: '' }).ROCKETMQ_ENDPOINTS).toBe('mq1:8081,mq2:8081');
  });

  it('a bus address of the wrong shape is refused with the variable named', () => {
    expect(() => loadConfig({ AMQP_URL: 'http://rabbit' })).toThrow(/^environment variable AMQP_URL: must be an amqp/);
    expect(() => loadConfig({ ROCKETMQ_ENDPOINTS: 'mq1' })).toThrow(/^environment variable ROCKETMQ_ENDPOINTS: must be host:port/);
  });

  it("ROCKETMQ_NAMESPACE: empty is none; RocketMQ's own separator or other characters are refused", () => {
    expect(loadConfig({}).ROCKETMQ_NAMESPACE).toBe('');
    expect(loadConfig({ ROCKETMQ_NAMESPACE: '' }).ROCKETMQ_NAMESPACE).toBe('');
    expect(loadConfig({ ROCKETMQ_NAMESPACE: 'roost_prod-2' }).ROCKETMQ_NAMESPACE).toBe('roost_prod-2');
    for (const bad of ['a%b', 'with space', 'x'.repeat(65), 'ünï']) expect(() => loadConfig({ ROCKETMQ_NAMESPACE: bad })).toThrow(/^environment variable ROCKETMQ_NAMESPACE: must be 1 to 64/);
  });

  it('Elasticsearch and OpenSearch together are refused', () => {
    expect(() => loadConfig({ ELASTICSEARCH_URL: 'http://es:9200', OPENSEARCH_URL: 'http://os:9200' })).toThrow('set ELASTICSEARCH_URL or OPENSEARCH_URL, not both');
  });
});
