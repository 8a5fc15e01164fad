/**
 * Advisory locks on the domains' own files (`.phaser/.lock`, phase locks): the engine's
 * `flock` primitive, offered by the api so that no domain loads fs-ext a second time or
 * reaches into core's engine. Exclusive, released by the kernel when the holder dies.
 */
export { tryLockExclusive as tryLockFile, unlock as unlockFile } from "../core/lock.js";
/** The fsync of a directory that makes a rename in it durable, for the domains' atomic files. */
export { syncDirectory } from "../core/sync-directory.js";
