// Who is calling: a login token from `Authorization: Bearer <jwt>` (apps) or the `jwt` cookie
// (the web UI), as Lemmy 0.19 accepts them. The token must verify and still be on record.

import type {} from "@fastify/cookie";
import { findLocalAccount, getCachedSite, hostOf, type LocalAccount, verifyLoginToken } from "@plenum/core";
import type { FastifyRequest } from "fastify";
import type { Runtime } from "../runtime.ts";

export const AUTH_COOKIE = "jwt";

export function tokenOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header?.toLowerCase().startsWith("bearer ")) return header.slice(7).trim() || null;
  return request.cookies?.[AUTH_COOKIE] ?? null;
}

const viewers = new WeakMap<FastifyRequest, Promise<LocalAccount | null>>();

/** The logged-in account, or null; computed once per request. */
export function viewerOf(runtime: Runtime, request: FastifyRequest): Promise<LocalAccount | null> {
  let viewer = viewers.get(request);
  if (!viewer) {
    viewer = resolveViewer(runtime, request);
    viewers.set(request, viewer);
  }
  return viewer;
}

async function resolveViewer(runtime: Runtime, request: FastifyRequest): Promise<LocalAccount | null> {
  const token = tokenOf(request);
  if (!token) return null;
  const { db } = runtime.database;
  const site = await getCachedSite(db);
  const personId = await verifyLoginToken(db, tokenContext(runtime, site.jwt_secret), token);
  if (!personId) return null;
  const account = await findLocalAccount(db, personId);
  return account && !account.person.deleted ? account : null;
}

export function tokenContext(runtime: Runtime, secret: string) {
  return { secret, issuer: hostOf(runtime.config.origin) };
}
