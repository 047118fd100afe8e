// Which software follower instances run: NodeInfo (/.well-known/nodeinfo, then the 2.x document)
// from a loopback server playing a remote instance, stored per instance, asked again once a day
// for instances with followers of a local community, and kept when a later answer is unusable.
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import {
  ensureInstance,
  findInstanceSoftware,
  findLocalCommunityByName,
  INSTANCE_SOFTWARE_REFRESH_INTERVAL_MS,
  instanceKindOf,
  setFederationLists,
  upsertFollow,
  upsertRemotePerson,
} from "@plenum/core";
import { refreshInstanceSoftware } from "../../packages/federation/src/nodeinfo.ts";
import { type ApiServer, startApiServer } from "../support/api.ts";

/** Loopback servers need private addresses allowed; nothing else differs from production. */
const FETCH = { allowPrivateAddress: true, userAgent: "Plenum-test" };

describe("instance software from NodeInfo", () => {
  let api: ApiServer;
  let remote: Server;
  let remoteHost: string;
  let software = "mastodon";
  let broken = false;
  const hits: string[] = [];

  beforeAll(async () => {
    remote = createServer((request, response) => {
      hits.push(request.url ?? "");
      const send = (status: number, body: unknown) =>
        response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      if (broken) return send(404, {});
      if (request.url === "/.well-known/nodeinfo") {
        // Both versions listed, as Mastodon and Lemmy do: the higher one is read.
        return send(200, {
          links: [
            { rel: "http://nodeinfo.diaspora.software/ns/schema/2.0", href: `http://${remoteHost}/nodeinfo/2.0` },
            { rel: "http://nodeinfo.diaspora.software/ns/schema/2.1", href: `http://${remoteHost}/nodeinfo/2.1` },
          ],
        });
      }
      if (request.url === "/nodeinfo/2.1")
        return send(200, { version: "2.1", software: { name: software, version: "1.0" } });
      return send(404, {});
    });
    await new Promise<void>((resolve) => remote.listen(0, "127.0.0.1", resolve));
    const address = remote.address();
    if (typeof address !== "object" || !address) throw new Error("no address");
    remoteHost = `127.0.0.1:${address.port}`;

    api = await startApiServer();
    const { client } = await api.user("admin");
    await client.createCommunity({ name: "lobby", title: "Lobby" });
    const db = api.runtime.database.db;
    const lobby = await findLocalCommunityByName(db, "lobby");
    if (!lobby) throw new Error("no community");
    const follower = await upsertRemotePerson(db, {
      ap_id: `http://${remoteHost}/users/mia`,
      instance_id: await ensureInstance(db, remoteHost),
      name: "mia",
      inbox_url: `http://${remoteHost}/users/mia/inbox`,
    });
    await upsertFollow(db, { communityId: lobby.id, personId: follower.id, state: "accepted", followActivityId: null });
    // An instance nobody here is followed from is never asked.
    await upsertRemotePerson(db, {
      ap_id: "http://127.0.0.1:9/users/lurker",
      instance_id: await ensureInstance(db, "127.0.0.1:9"),
      name: "lurker",
      inbox_url: "http://127.0.0.1:9/users/lurker/inbox",
    });
  });

  afterAll(async () => {
    await api?.close();
    await new Promise((resolve) => remote?.close(resolve));
  });

  const stored = async (host: string) =>
    (await findInstanceSoftware(api.runtime.database.db, [host])).get(host.toLowerCase());

  test("a follower's instance is asked, its software stored and classified", async () => {
    const now = new Date();
    expect(await refreshInstanceSoftware(api.runtime.database.db, FETCH, now)).toBe(1);
    expect(hits).toEqual(["/.well-known/nodeinfo", "/nodeinfo/2.1"]);
    const mastodon = await stored(remoteHost);
    expect(mastodon?.software).toBe("mastodon");
    expect(instanceKindOf(mastodon?.software ?? null)).toBe("microblog");
    expect((await stored("127.0.0.1:9"))?.checkedAt).toBeNull();
    // Asked less than a day ago: not asked again.
    expect(await refreshInstanceSoftware(api.runtime.database.db, FETCH, now)).toBe(0);
  });

  test("a day later it is asked again and a change of software is stored", async () => {
    software = "akkoma";
    const later = new Date(Date.now() + INSTANCE_SOFTWARE_REFRESH_INTERVAL_MS + 60_000);
    expect(await refreshInstanceSoftware(api.runtime.database.db, FETCH, later)).toBe(1);
    expect((await stored(remoteHost))?.software).toBe("akkoma");
  });

  test("an unusable answer keeps what was known and counts as asked", async () => {
    broken = true;
    const before = (await stored(remoteHost))?.checkedAt;
    const muchLater = new Date(Date.now() + 3 * INSTANCE_SOFTWARE_REFRESH_INTERVAL_MS);
    expect(await refreshInstanceSoftware(api.runtime.database.db, FETCH, muchLater)).toBe(1);
    const after = await stored(remoteHost);
    expect(after?.software).toBe("akkoma");
    expect(after?.checkedAt?.getTime()).toBeGreaterThan(before?.getTime() ?? Number.POSITIVE_INFINITY);
  });

  test("a blocked instance is not asked, only marked as checked", async () => {
    broken = false;
    software = "misskey";
    const db = api.runtime.database.db;
    await setFederationLists(db, { blocked: [remoteHost], localHost: "127.0.0.1" });
    const asked = hits.length;
    const before = (await stored(remoteHost))?.checkedAt;
    const later = new Date(Date.now() + 5 * INSTANCE_SOFTWARE_REFRESH_INTERVAL_MS);
    expect(await refreshInstanceSoftware(db, FETCH, later)).toBe(1);
    expect(hits.length).toBe(asked);
    const after = await stored(remoteHost);
    expect(after?.software).toBe("akkoma");
    expect(after?.checkedAt?.getTime()).toBeGreaterThan(before?.getTime() ?? Number.POSITIVE_INFINITY);
    await setFederationLists(db, { blocked: [], localHost: "127.0.0.1" });
  });
});
