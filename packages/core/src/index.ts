// @plenum/core: the domain. No HTTP and no ActivityPub vocabulary here.
export * from "./communities/community.repository.ts";
export * from "./communities/community.service.ts";
export * from "./communities/community.view.ts";
export * from "./db/connect.ts";
export * from "./db/migrate.ts";
export type * from "./db/schema.ts";
export * from "./events.ts";
export * from "./instances/instance.repository.ts";
export * from "./instances/instance.view.ts";
export * from "./keys/key-pairs.ts";
export * from "./persons/person.repository.ts";
export * from "./persons/person.service.ts";
export * from "./queue/consumer.ts";
export * from "./queue/queue.repository.ts";
export * from "./result.ts";
export * from "./urls.ts";
