/** The one RocketMQ topic Roost's bus uses, made by `npm run rocketmq` (or an operator's mqadmin): gRPC clients never create topics. */
export const ROCKETMQ_TOPIC = 'roost-bus';
