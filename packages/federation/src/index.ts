// @plenum/federation: everything ActivityPub. Other packages use only what is exported here.
export { handleDomainEvent } from "./bridge.ts";
export type { FederationContextData, PlenumContext, PlenumFederation } from "./context.ts";
export { type DeliveryHealthView, getDeliveryHealth } from "./delivery-health.ts";
export { createPlenumFederation, type FederationOptions, PLENUM_VERSION } from "./federation.ts";
export { withGoneStatus } from "./gone.ts";
export { communityIdentifier, personIdentifier } from "./identifiers.ts";
export { type ParsedActivity, type ParsedObject, parseActivity, parseObject } from "./inbox/parse.ts";
export { type Outcome, type ReceiveEnv, type Remote, receiveActivity } from "./inbox/receive.ts";
export { instanceActorResponse } from "./instance-actor.ts";
export { PostgresKvStore, purgeExpiredKv } from "./kv.ts";
export { type ResolveError, resolveCommunity } from "./lookup.ts";
export { DELIVERY_CONSUMERS, DELIVERY_QUEUE, FEDIFY_QUEUE, PostgresMessageQueue } from "./mq.ts";
export { detectInstanceSoftware, fetchNodeInfoSoftware, refreshInstanceSoftware } from "./nodeinfo.ts";
export { type ResolvedObject, type ResolveObjectError, resolveObject } from "./resolve.ts";
