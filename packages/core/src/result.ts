// Expected failures are values, not exceptions: services return Result and callers switch on
// error.type. Throw only for bugs and transient faults (see docs/architecture.md).
export type Ok<T> = { ok: true; value: T };
export type Err<E> = { ok: false; error: E };
export type Result<T, E> = Ok<T> | Err<E>;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
export const err = <E>(error: E): Err<E> => ({ ok: false, error });

/** For the default branch of a switch over a closed union: fails to compile when a case is missed. */
export function exhaustiveCheck(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
