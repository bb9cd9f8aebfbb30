export { DEFAULT_MAX_BYTES, type DiskCache, type DiskCacheOptions, type DiskCacheStats, keyHash, openDiskCache } from './disk-cache.js';
export { packNumbers, unpackNumbers } from './packed-numbers.js';
